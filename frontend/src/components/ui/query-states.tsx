import type { ReactNode } from 'react';

import { Button } from '@/components/ui/button';
import { Spinner } from '@/components/ui/spinner';
import { ApiError } from '@/lib/api-client';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" className="flex items-center justify-center gap-3 py-16 text-slate-600">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <p className="text-lg font-medium text-slate-800">{title}</p>
      {children && <div className="mt-2 text-sm text-slate-600">{children}</div>}
    </div>
  );
}

function describe(error: unknown): { title: string; message: string } {
  if (error instanceof ApiError) {
    if (error.isUnavailable) {
      return {
        title: 'This part of the shop is taking a break',
        message: 'We could not reach it just now. Your data is safe; please try again in a moment.',
      };
    }
    if (error.status === 404) return { title: 'Not found', message: error.message };
    if (error.status === 403) return { title: 'Not allowed', message: error.message };
    return { title: 'Something went wrong', message: error.message };
  }
  return { title: 'Something went wrong', message: 'Please try again.' };
}

/** A failed query: friendly words and a retry, never a blank page. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, message } = describe(error);
  return (
    <div role="alert" className="rounded-lg bg-amber-50 px-6 py-10 text-center ring-1 ring-amber-200">
      <p className="text-lg font-medium text-amber-900">{title}</p>
      <p className="mt-2 text-sm text-amber-900">{message}</p>
      {onRetry && (
        <Button variant="secondary" className="mt-4" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}
