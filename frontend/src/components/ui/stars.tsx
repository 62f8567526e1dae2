/** Rating as five stars filled to the exact share (a gold layer clipped over a grey one). */
export function Stars({ value, count }: { value: number | null | undefined; count?: number }) {
  const rating = Math.max(0, Math.min(5, value ?? 0));
  return (
    <span className="inline-flex items-center gap-1 text-sm text-slate-700">
      <span aria-hidden="true" className="relative inline-block leading-none tracking-tight">
        <span className="text-slate-300">★★★★★</span>
        <span className="absolute inset-y-0 left-0 overflow-hidden text-amber-500" style={{ width: `${(rating / 5) * 100}%` }}>
          ★★★★★
        </span>
      </span>
      <span className="sr-only">Rated {rating.toFixed(1)} out of 5</span>
      {count !== undefined && <span aria-hidden="true">({count})</span>}
      {count !== undefined && <span className="sr-only">from {count} reviews</span>}
    </span>
  );
}
