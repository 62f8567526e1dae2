import { Link } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { ForgotPasswordForm } from '@/features/auth/components/forgot-password-form';

export function ForgotPasswordPage() {
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle>Forgot your password?</PageTitle>
      <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        <ForgotPasswordForm />
      </div>
      <p className="mt-4 text-center text-sm">
        <Link to="/login" className="font-medium text-brand-700 underline">
          Back to sign in
        </Link>
      </p>
    </div>
  );
}
