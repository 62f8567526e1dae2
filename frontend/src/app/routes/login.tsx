import { Link, useNavigate, useSearchParams } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { LoginForm } from '@/features/auth/components/login-form';
import { safeNext } from '@/lib/safe-next';


export function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle>Sign in</PageTitle>
      <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <LoginForm onSuccess={() => void navigate(next, { replace: true })} />
      </div>
      <p className="mt-4 text-center text-sm">
        <Link to="/forgot-password" className="font-medium text-brand-700 underline">
          Forgot your password?
        </Link>
      </p>
      <p className="mt-2 text-center text-sm">
        New here?{' '}
        <Link to={`/signup?next=${encodeURIComponent(next)}`} className="font-medium text-brand-700 underline">
          Create an account
        </Link>
      </p>
    </div>
  );
}
