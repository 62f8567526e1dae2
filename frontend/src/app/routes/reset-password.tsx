import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { ResetPasswordForm } from '@/features/auth/components/reset-password-form';

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [done, setDone] = useState(false);
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle>Choose a new password</PageTitle>
      <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
        {done ? (
          <p role="status" className="text-sm text-slate-700">
            Your password was changed.{' '}
            <Link to="/login" className="font-medium text-brand-700 underline">
              Sign in with the new password
            </Link>
          </p>
        ) : token ? (
          <ResetPasswordForm token={token} onSuccess={() => setDone(true)} />
        ) : (
          <p role="alert" className="text-sm text-red-700">
            This page needs the link from the email.{' '}
            <Link to="/forgot-password" className="font-medium text-brand-700 underline">
              Ask for a new link
            </Link>
          </p>
        )}
      </div>
    </div>
  );
}
