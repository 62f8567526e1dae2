import clsx from 'clsx';

import type { Store } from '@/lib/api-schemas/catalog-fulfillment';

export function StoreList({ stores, activeId, onSelect }: { stores: Store[]; activeId: string | null; onSelect: (id: string) => void }) {
  return (
    <ol aria-label="Stores" className="space-y-2" data-testid="store-list">
      {stores.map((store) => (
        <li key={store.id}>
          <button
            type="button"
            onClick={() => onSelect(store.id)}
            aria-current={store.id === activeId ? 'true' : undefined}
            className={clsx(
              'w-full rounded-md bg-white p-3 text-left ring-1',
              store.id === activeId ? 'ring-2 ring-brand-600' : 'ring-slate-200 hover:ring-brand-600',
            )}
          >
            <span className="flex justify-between gap-2">
              <span className="font-medium" data-testid="store-name">
                {store.name}
              </span>
              {store.distance_km != null && (
                <span className="whitespace-nowrap text-sm text-slate-700" data-testid="store-distance">
                  {store.distance_km < 10 ? store.distance_km.toFixed(1) : Math.round(store.distance_km)} km
                </span>
              )}
            </span>
            <span className="block text-sm text-slate-700">
              {[store.address ?? store.line1, store.city, store.country].filter(Boolean).join(', ')}
            </span>
            {store.phone && <span className="block text-xs text-slate-600">{store.phone}</span>}
          </button>
        </li>
      ))}
    </ol>
  );
}
