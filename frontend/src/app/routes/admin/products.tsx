import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { SelectField, TextField } from '@/components/ui/form-field';
import { Pagination } from '@/components/ui/pagination';
import { QueryView } from '@/components/ui/query-view';
import { toast } from '@/components/ui/toast-store';
import { useAdminProducts, useArchiveProduct, useRestoreProduct } from '@/features/admin/api/admin-products-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import type { AdminProductPage } from '@/lib/api-schemas/catalog-fulfillment';
import { formatMoney } from '@/lib/money';

export function Component() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const status = (params.get('status') ?? '') as '' | 'active' | 'archived';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [text, setText] = useState(q);
  const products = useAdminProducts({ q: q || undefined, status: status || undefined, page });
  const archive = useArchiveProduct();
  const restore = useRestoreProduct();

  const columns: Column<AdminProductPage['items'][number]>[] = [
    {
      header: 'Name',
      cell: (product) => (
        <Link to={`/admin/products/${product.id}`} className="font-medium text-brand-700 hover:underline">
          {product.name}
        </Link>
      ),
    },
    { header: 'Category', cell: (product) => product.category?.name },
    { header: 'From', align: 'right', cell: (product) => formatMoney(product.price, product.currency) },
    { header: 'Stock', cell: (product) => (product.in_stock ? <Badge tone="success">In stock</Badge> : <Badge tone="danger">Sold out</Badge>) },
    { header: 'Status', cell: (product) => <Badge tone={product.status === 'archived' ? 'neutral' : 'info'}>{product.status}</Badge> },
    {
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (product) =>
        product.status === 'archived' ? (
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Restore ${product.name}`}
            onClick={() => restore.mutate(product.id, { onSuccess: () => toast.success(`${product.name} is for sale again`), onError: (e) => toast.error(e.message) })}
          >
            Restore
          </Button>
        ) : (
          <Button
            variant="ghost"
            size="sm"
            aria-label={`Archive ${product.name}`}
            onClick={() => {
              if (!window.confirm(`Archive ${product.name}? It disappears from the shop; past orders are not affected.`)) return;
              archive.mutate(product.id, { onSuccess: () => toast.success(`${product.name} archived`), onError: (e) => toast.error(e.message) });
            }}
          >
            Archive
          </Button>
        ),
    },
  ];

  function update(changes: Record<string, string>) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next);
  }

  return (
    <AdminShell
      title="Products"
      actions={
        <Link to="/admin/products/new" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          New product
        </Link>
      }
    >
      <form
        className="flex flex-wrap items-end gap-3"
        role="search"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          update({ q: text.trim() });
        }}
      >
        <TextField label="Search products" value={text} onChange={(e) => setText(e.target.value)} containerClassName="w-64" />
        <SelectField label="Status" value={status} onChange={(e) => update({ status: e.target.value })} containerClassName="w-40">
          <option value="">All</option>
          <option value="active">Active</option>
          <option value="archived">Archived</option>
        </SelectField>
        <Button type="submit" variant="secondary">
          Search
        </Button>
      </form>
      <QueryView query={products} loadingLabel="Loading products…" isEmpty={(data) => data.items.length === 0} emptyTitle="No products found">
        {(data) => (
          <>
            <DataTable label="Products" columns={columns} rows={data.items} rowKey={(product) => product.id} />
            <Pagination page={page} pageSize={data.page_size} total={data.total} onPageChange={(next) => update({ page: String(next) })} />
          </>
        )}
      </QueryView>
    </AdminShell>
  );
}
