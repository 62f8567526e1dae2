import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form-field';
import { Pagination } from '@/components/ui/pagination';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';
import { toast } from '@/components/ui/toast-store';
import { useAdminProducts, useArchiveProduct, useRestoreProduct } from '@/features/admin/api/admin-products-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
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
      {products.isPending ? (
        <LoadingState label="Loading products…" />
      ) : products.isError ? (
        <ErrorState error={products.error} onRetry={() => void products.refetch()} />
      ) : products.data.items.length === 0 ? (
        <EmptyState title="No products found" />
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table className="w-full text-sm" aria-label="Products">
              <thead className="bg-slate-50 text-left text-slate-700">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Name</th>
                  <th scope="col" className="px-3 py-2 font-medium">Category</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">From</th>
                  <th scope="col" className="px-3 py-2 font-medium">Stock</th>
                  <th scope="col" className="px-3 py-2 font-medium">Status</th>
                  <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {products.data.items.map((product) => (
                  <tr key={product.id}>
                    <td className="px-3 py-2">
                      <Link to={`/admin/products/${product.id}`} className="font-medium text-brand-700 hover:underline">
                        {product.name}
                      </Link>
                    </td>
                    <td className="px-3 py-2">{product.category?.name}</td>
                    <td className="px-3 py-2 text-right">{formatMoney(product.price, product.currency)}</td>
                    <td className="px-3 py-2">{product.in_stock ? <Badge tone="success">In stock</Badge> : <Badge tone="danger">Sold out</Badge>}</td>
                    <td className="px-3 py-2">
                      <Badge tone={product.status === 'archived' ? 'neutral' : 'info'}>{product.status}</Badge>
                    </td>
                    <td className="px-3 py-2 text-right">
                      {product.status === 'archived' ? (
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
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pageSize={products.data.page_size} total={products.data.total} onPageChange={(next) => update({ page: String(next) })} />
        </>
      )}
    </AdminShell>
  );
}
