import { Link } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { DataTable, type Column } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { useLowStock } from '@/features/admin/api/admin-inventory-api';
import { SetStockForm } from '@/features/admin/components/set-stock-form';
import type { LowStockItem } from '@/lib/api-schemas/catalog-fulfillment';

const columns: Column<LowStockItem>[] = [
  { header: 'SKU', className: 'font-mono', cell: (item) => item.sku },
  {
    header: 'Product',
    cell: (item) => (
      <>
        {item.product_id ? (
          <Link to={`/admin/products/${item.product_id}`} className="text-brand-700 hover:underline">
            {item.product_name ?? 'Product'}
          </Link>
        ) : (
          (item.product_name ?? '—')
        )}
        {item.variant_name && <span className="text-slate-600"> · {item.variant_name}</span>}
      </>
    ),
  },
  {
    header: 'Available',
    align: 'right',
    cell: (item) => (item.available <= 0 ? <Badge tone="danger">Sold out</Badge> : <Badge tone="warning">{item.available}</Badge>),
  },
  { header: 'On hand', align: 'right', cell: (item) => item.on_hand },
  { header: 'Reorder at', align: 'right', cell: (item) => item.reorder_level },
];

const setStockColumn: Column<LowStockItem> = {
  header: 'Set stock',
  cell: (item) => <SetStockForm sku={item.sku} current={item.on_hand} compact />,
};

/** Skus at or below their reorder level, emptiest first; `limit` keeps the dashboard short. */
export function LowStockTable({ editable = false, limit }: { editable?: boolean; limit?: number }) {
  const lowStock = useLowStock();
  return (
    <QueryView
      query={lowStock}
      loadingLabel="Checking stock levels…"
      isEmpty={(data) => data.items.length === 0}
      empty={
        <EmptyState title="Nothing is running low">
          {lowStock.data?.source === 'events'
            ? 'No sku has dropped to its reorder level since the catalog started reporting it.'
            : 'Every sku is above its reorder level.'}
        </EmptyState>
      }
    >
      {(data) => {
        const items = limit ? data.items.slice(0, limit) : data.items;
        const hidden = data.items.length - items.length;
        return (
          <DataTable label="Low stock" columns={editable ? [...columns, setStockColumn] : columns} rows={items} rowKey={(item) => item.sku}>
            {hidden > 0 && (
              <p className="px-3 py-2 text-sm">
                <Link to="/admin/inventory" className="font-medium text-brand-700 hover:underline">
                  {hidden} more running low: see the inventory page
                </Link>
              </p>
            )}
            {data.source === 'events' && (
              <p className="px-3 py-2 text-xs text-slate-600">Built from the catalog&apos;s low-stock events and re-checked against current stock.</p>
            )}
          </DataTable>
        );
      }}
    </QueryView>
  );
}
