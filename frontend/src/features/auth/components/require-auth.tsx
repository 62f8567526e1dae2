import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';

import { resolveQuery } from '@/components/ui/resolve-query';
import { useMe } from '@/features/auth/api/auth-api';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

/** Sends visitors to sign in and brings them back where they were going. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const signedIn = useSessionStore(selectIsSignedIn);
  const location = useLocation();
  if (!signedIn) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <>{children}</>;
}

/**
 * Admin pages only for admins and staff. The role is checked against /auth/me (not just the
 * token's claim); the services refuse what a staff account's permissions do not cover anyway
 * (403), this keeps customers from seeing a broken page.
 */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const signedIn = useSessionStore(selectIsSignedIn);
  const location = useLocation();
  const me = useMe();

  if (!signedIn) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  const loaded = resolveQuery(me, { loadingLabel: 'Checking your access…' });
  if (!loaded.ready) return loaded.view;
  if (loaded.data.role !== 'admin' && loaded.data.role !== 'staff') return <AccessDenied />;
  return <>{children}</>;
}

export function AccessDenied() {
  return (
    <section role="alert" className="mx-auto max-w-lg rounded-lg bg-white p-8 text-center shadow-sm ring-1 ring-slate-200">
      <h1 className="text-2xl font-semibold">Admins only</h1>
      <p className="mt-3 text-slate-700">
        Your account does not have access to the shop&apos;s admin area. If you think this is a mistake, ask an
        administrator.
      </p>
      <Link to="/" className="mt-6 inline-block font-medium text-brand-700 underline">
        Back to the shop
      </Link>
    </section>
  );
}
