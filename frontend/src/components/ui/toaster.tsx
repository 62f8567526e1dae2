import clsx from 'clsx';
import { useEffect } from 'react';

import { useToastStore, type Toast } from '@/components/ui/toast-store';

const AUTO_DISMISS_MS = 5000;

function ToastItem({ toast }: { toast: Toast }) {
  const dismiss = useToastStore((state) => state.dismiss);
  useEffect(() => {
    const timer = setTimeout(() => dismiss(toast.id), AUTO_DISMISS_MS);
    return () => clearTimeout(timer);
  }, [dismiss, toast.id]);

  return (
    <div
      role={toast.kind === 'error' ? 'alert' : 'status'}
      className={clsx(
        'pointer-events-auto flex items-start gap-3 rounded-lg px-4 py-3 text-sm shadow-lg ring-1',
        toast.kind === 'success' && 'bg-emerald-50 text-emerald-900 ring-emerald-200',
        toast.kind === 'error' && 'bg-red-50 text-red-900 ring-red-200',
        toast.kind === 'info' && 'bg-white text-slate-900 ring-slate-200',
      )}
    >
      <p className="flex-1">{toast.message}</p>
      <button
        type="button"
        onClick={() => dismiss(toast.id)}
        className="rounded text-slate-500 hover:text-slate-900"
        aria-label="Dismiss notification"
      >
        ×
      </button>
    </div>
  );
}

/** Toasts live in a polite live region so screen readers announce cart and order actions. */
export function Toaster() {
  const toasts = useToastStore((state) => state.toasts);
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed inset-x-0 bottom-4 z-[2000] flex flex-col items-center gap-2 px-4 sm:items-end"
    >
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </div>
  );
}
