import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { useVerifyEmail } from '@/features/auth/api/account-links-api';

/** Opened from the verification email: confirms the address once, then says so. */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useVerifyEmail();
  const asked = useRef(false);
  useEffect(() => {
    if (token && !asked.current) {
      asked.current = true; // once, even when React runs effects twice in development
      verify.mutate(token);
    }
  }, [token, verify]);
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle>Confirm your email</PageTitle>
      <div className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200 text-sm">
        {verify.isSuccess ? (
          <p role="status">
            Thanks, your email is confirmed. You can now write product reviews.{' '}
            <Link to="/" className="font-medium text-brand-700 underline">
              Continue shopping
            </Link>
          </p>
        ) : verify.isError || !token ? (
          <p role="alert" className="text-red-700">
            This link is invalid, was already used or has expired. Sign in and ask for a new one on your account page.
          </p>
        ) : (
          <p>Confirming…</p>
        )}
      </div>
    </div>
  );
}
