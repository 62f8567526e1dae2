import { formatMoney } from '@/lib/money';

export interface PriceBand {
  min: string;
  max?: string | null;
  count: number;
}

/** Quick price filters from the listing's facets, e.g. "$50 – $100 (7)". */
export function PriceBands({
  bands,
  currency,
  onPick,
}: {
  bands: PriceBand[];
  currency: string;
  onPick: (band: { min_price: string; max_price: string }) => void;
}) {
  const useful = bands.filter((band) => band.count > 0);
  if (useful.length < 2) return null;
  return (
    <nav aria-label="Price ranges" className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 className="mb-2 font-medium">Price</h2>
      <ul className="space-y-1 text-sm">
        {useful.map((band) => {
          const label = band.max ? `${formatMoney(band.min, currency)} – ${formatMoney(band.max, currency)}` : `${formatMoney(band.min, currency)} and up`;
          return (
            <li key={`${band.min}-${band.max ?? ''}`}>
              <button type="button" className="text-brand-700 hover:underline" onClick={() => onPick({ min_price: band.min, max_price: band.max ?? '' })}>
                {label} <span className="text-slate-600">({band.count})</span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
