import { useEffect, useRef, type ReactNode } from 'react';
import { useLocation } from 'react-router';

/**
 * The page's h1. It also sets the document title and takes focus on navigation so screen-reader
 * users hear where they landed (client-side routing does not announce page changes by itself).
 */
export function PageTitle({ children, title, actions }: { children: ReactNode; title?: string; actions?: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const { key } = useLocation();
  const text = title ?? (typeof children === 'string' ? children : undefined);

  useEffect(() => {
    if (text) document.title = `${text} · Shop`;
  }, [text]);

  useEffect(() => {
    // Not on the first page of a visit ("default" key): there the browser starts at the top anyway.
    if (key !== 'default') ref.current?.focus({ preventScroll: true });
  }, [key]);

  return (
    <div className="mb-6 flex flex-wrap items-center justify-between gap-3">
      <h1 ref={ref} tabIndex={-1} className="text-2xl font-semibold tracking-tight text-slate-900 outline-none">
        {children}
      </h1>
      {actions}
    </div>
  );
}
