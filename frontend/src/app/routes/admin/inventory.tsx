import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { TextField } from '@/components/ui/form-field';
import { ErrorState, LoadingState } from '@/components/ui/query-states';
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
        {sku &&
          (level.isPending ? (
            <LoadingState label="Loading stock…" />
          ) : level.isError ? (
            level.error instanceof ApiError && level.error.status === 404 ? (
              <p role="alert" className="text-sm text-red-700">
                No sku “{sku}”.
              </p>
            ) : (
              <ErrorState error={level.error} onRetry={() => void level.refetch()} />
            )
          ) : (
            <div className="space-y-2 text-sm">
              <p>
                <span className="font-mono">{level.data.sku}</span>: {level.data.on_hand} on hand, {level.data.reserved} reserved,{' '}
                <strong>{level.data.available} available</strong>
                {level.data.reorder_level !== undefined && <>, reorder at {level.data.reorder_level}</>}
              </p>
              <SetStockForm key={`${level.data.sku}-${level.data.on_hand}`} sku={level.data.sku} current={level.data.on_hand} />
            </div>
          ))}
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
