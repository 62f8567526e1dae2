import { Link, useNavigate, useSearchParams } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { toast } from '@/components/ui/toast-store';
import { SignupForm } from '@/features/auth/components/signup-form';
import { safeNext } from '@/lib/safe-next';

export function SignupPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(params.get('next'));
  return (
    <div className="mx-auto max-w-md">
      <PageTitle>Create your account</PageTitle>
      <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <SignupForm
          initialEmail={params.get('email') ?? ''}
          onSuccess={() => {
            toast.success('Welcome! Your account is ready.');
            void navigate(next, { replace: true });
          }}
        />
      </div>
      <p className="mt-4 text-center text-sm">
        Already have an account?{' '}
        <Link to={`/login?next=${encodeURIComponent(next)}`} className="font-medium text-brand-700 underline">
          Sign in
        </Link>
      </p>
    </div>
  );
}
