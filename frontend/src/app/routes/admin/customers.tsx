import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { TextField } from '@/components/ui/form-field';
import { Pagination } from '@/components/ui/pagination';
import { QueryView } from '@/components/ui/query-view';
import { useAdminCustomers } from '@/features/admin/api/admin-customers-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import type { CustomerSummary } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

const columns: Column<CustomerSummary>[] = [
  {
    header: 'Customer',
    cell: (c) => (
      <Link to={`/admin/customers/${c.id}`} className="font-medium text-brand-700 hover:underline">
        {`${c.first_name} ${c.last_name}`.trim() || c.email}
      </Link>
    ),
  },
  { header: 'Email', cell: (c) => c.email },
  {
    header: 'Account',
    cell: (c) => (
      <span className="flex gap-1">
        {c.role !== 'customer' && <Badge tone="info">{c.role}</Badge>}
        {!c.active && <Badge tone="danger">disabled</Badge>}
      </span>
    ),
  },
  { header: 'Orders', align: 'right', cell: (c) => c.order_count },
  { header: 'Spent', align: 'right', cell: (c) => formatMoney(c.total_spent) },
  { header: 'Last order', cell: (c) => (c.last_order_at ? new Date(c.last_order_at).toLocaleDateString() : '') },
];

export function Component() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const [draft, setDraft] = useState(q);
  const customers = useAdminCustomers(q, page);

  return (
    <AdminShell title="Customers">
      <form
        role="search"
        className="flex items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          setParams(draft.trim() ? { q: draft.trim() } : {});
        }}
      >
        <TextField label="Email or name" value={draft} onChange={(e) => setDraft(e.target.value)} containerClassName="w-72" maxLength={200} />
        <Button type="submit">Search</Button>
      </form>
      <QueryView query={customers} loadingLabel="Loading customers…" isEmpty={(data) => data.items.length === 0} emptyTitle="No customers match">
        {(data) => (
          <>
            <DataTable label="Customers" columns={columns} rows={data.items} rowKey={(c) => c.id} rowTestId="admin-customer-row" />
            <Pagination
              page={page}
              pageSize={data.page_size}
              total={data.total}
              onPageChange={(next) => {
                const updated = new URLSearchParams(params);
                updated.set('page', String(next));
                setParams(updated);
              }}
            />
          </>
        )}
      </QueryView>
    </AdminShell>
  );
}
