import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/form-field';
import { ErrorState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { useStockLevel } from '@/features/admin/api/admin-inventory-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { LowStockTable } from '@/features/admin/components/low-stock-table';
import { SetStockForm } from '@/features/admin/components/set-stock-form';
import { ApiError } from '@/lib/api-client';

export function Component() {
  const [text, setText] = useState('');
  const [sku, setSku] = useState('');
  const level = useStockLevel(sku);

  return (
    <AdminShell title="Inventory">
      <section aria-labelledby="lookup-heading" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="lookup-heading" className="font-semibold">
          Look up a sku
        </h2>
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e: FormEvent) => {
            e.preventDefault();
            setSku(text.trim());
          }}
        >
          <TextField label="SKU" value={text} onChange={(e) => setText(e.target.value)} containerClassName="w-64" />
          <Button type="submit" variant="secondary">
            Look up
          </Button>
        </form>
        {sku && (
          <QueryView
            query={level}
            loadingLabel="Loading stock…"
            renderError={(error, retry) =>
              error instanceof ApiError && error.status === 404 ? (
                <p role="alert" className="text-sm text-red-700">
                  No sku “{sku}”.
                </p>
              ) : (
                <ErrorState error={error} onRetry={retry} />
              )
            }
          >
            {(stock) => (
              <div className="space-y-2 text-sm">
                <p>
                  <span className="font-mono">{stock.sku}</span>: {stock.on_hand} on hand, {stock.reserved} reserved,{' '}
                  <strong>{stock.available} available</strong>
                  {stock.reorder_level !== undefined && <>, reorder at {stock.reorder_level}</>}
                </p>
                <SetStockForm key={`${stock.sku}-${stock.on_hand}`} sku={stock.sku} current={stock.on_hand} />
              </div>
            )}
          </QueryView>
        )}
      </section>
      <section aria-labelledby="low-heading" className="space-y-3">
        <h2 id="low-heading" className="text-lg font-semibold">
          Running low
        </h2>
        <LowStockTable editable />
      </section>
    </AdminShell>
  );
}
