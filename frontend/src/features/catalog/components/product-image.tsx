import { useState } from 'react';

/**
 * Product photos may point anywhere (a CDN in production, nothing reachable offline). When one
 * fails we show a neutral placeholder rather than a broken-image icon.
 */
export function ProductImage({ src, alt, className }: { src: string | null | undefined; alt: string; className?: string }) {
  const [failed, setFailed] = useState(false);
  if (!src || failed) {
    return (
      <div className={`${className ?? ''} flex items-center justify-center bg-gradient-to-br from-slate-100 to-slate-200`} role={alt ? 'img' : undefined} aria-label={alt || undefined}>
        <svg viewBox="0 0 24 24" className="h-1/3 w-1/3 text-slate-400" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
          <path d="M4 16l4.5-4.5a2 2 0 0 1 2.8 0L16 16m-2-2 1.5-1.5a2 2 0 0 1 2.8 0L20 14M6 20h12a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2Z" />
        </svg>
      </div>
    );
  }
  return <img src={src} alt={alt} className={className} loading="lazy" onError={() => setFailed(true)} />;
}
