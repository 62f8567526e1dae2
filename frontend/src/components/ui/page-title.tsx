import { useEffect, useRef, type ReactNode } from 'react';

/**
 * The page's h1. It also sets the document title and takes focus on navigation so screen-reader
 * users hear where they landed (client-side routing does not announce page changes by itself).
 */
export function PageTitle({ children, title, actions }: { children: ReactNode; title?: string; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const text = title ?? (typeof children === 'string' ? children : undefined);

  useEffect(() => {
    if (text) document.title = `${text} · Shop`;
  }, [text]);

  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);

  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
      <h1 ref={ref} tabIndex={-1} className="text-2xl font-semibold tracking-tight text-slate-900 outline-none">
        {children}
      </h1>
      {actions}
    </div>
  );
}
