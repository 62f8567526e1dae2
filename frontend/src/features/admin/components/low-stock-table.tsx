import { Link } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';
import { useLowStock } from '@/features/admin/api/admin-inventory-api';
import { SetStockForm } from '@/features/admin/components/set-stock-form';

/** Skus at or below their reorder level, emptiest first; `limit` keeps the dashboard short. */
export function LowStockTable({ editable = false, limit }: { editable?: boolean; limit?: number }) {
  const lowStock = useLowStock();
  if (lowStock.isPending) return <LoadingState label="Checking stock levels…" />;
  if (lowStock.isError) return <ErrorState error={lowStock.error} onRetry={() => void lowStock.refetch()} />;
  if (lowStock.data.items.length === 0) {
    return (
      <EmptyState title="Nothing is running low">
        {lowStock.data.source === 'events'
          ? 'No sku has dropped to its reorder level since the catalog started reporting it.'
          : 'Every sku is above its reorder level.'}
      </EmptyState>
    );
  }
  const items = limit ? lowStock.data.items.slice(0, limit) : lowStock.data.items;
  const hidden = lowStock.data.items.length - items.length;
  return (
    <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="w-full text-sm" aria-label="Low stock">
        <thead className="bg-slate-50 text-left text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">SKU</th>
            <th scope="col" className="px-3 py-2 font-medium">Product</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Available</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">On hand</th>
            <th scope="col" className="px-3 py-2 text-right font-medium">Reorder at</th>
            {editable && <th scope="col" className="px-3 py-2 font-medium">Set stock</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {items.map((item) => (
            <tr key={item.sku}>
              <td className="px-3 py-2 font-mono">{item.sku}</td>
              <td className="px-3 py-2">
                {item.product_id ? (
                  <Link to={`/admin/products/${item.product_id}`} className="text-brand-700 hover:underline">
                    {item.product_name ?? 'Product'}
                  </Link>
                ) : (
                  (item.product_name ?? '—')
                )}
                {item.variant_name && <span className="text-slate-600"> · {item.variant_name}</span>}
              </td>
              <td className="px-3 py-2 text-right">
                {item.available <= 0 ? <Badge tone="danger">Sold out</Badge> : <Badge tone="warning">{item.available}</Badge>}
              </td>
              <td className="px-3 py-2 text-right">{item.on_hand}</td>
              <td className="px-3 py-2 text-right">{item.reorder_level}</td>
              {editable && (
                <td className="px-3 py-2">
                  <SetStockForm sku={item.sku} current={item.on_hand} compact />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {hidden > 0 && (
        <p className="px-3 py-2 text-sm">
          <Link to="/admin/inventory" className="font-medium text-brand-700 hover:underline">
            {hidden} more running low: see the inventory page
          </Link>
        </p>
      )}
      {lowStock.data.source === 'events' && (
        <p className="px-3 py-2 text-xs text-slate-600">Built from the catalog&apos;s low-stock events and re-checked against current stock.</p>
      )}
    </div>
  );
}
