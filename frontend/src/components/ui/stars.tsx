export function Stars({ value, count }: { value: number | null | undefined; count?: number }) {
  const rating = value ?? 0;
  const rounded = Math.round(rating * 2) / 2;
  return (
    <span className="inline-flex items-center gap-1 text-sm text-slate-700">
      <span aria-hidden="true" className="text-amber-500">
        {[1, 2, 3, 4, 5].map((star) => (rounded >= star ? '★' : rounded >= star - 0.5 ? '⯪' : '☆')).join('')}
      </span>
      <span className="sr-only">Rated {rating.toFixed(1)} out of 5</span>
      {count !== undefined && <span aria-hidden="true">({count})</span>}
      {count !== undefined && <span className="sr-only">from {count} reviews</span>}
    </span>
  );
}
