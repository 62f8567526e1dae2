import { Link, useSearchParams } from 'react-router';

import { DataTable, type Column } from '@/components/ui/data-table';
import { SelectField } from '@/components/ui/form-field';
import { Pagination } from '@/components/ui/pagination';
import { QueryView } from '@/components/ui/query-view';
import { useAdminOrders } from '@/features/admin/api/admin-orders-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import { orderStatuses, type AdminOrderPage } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';
import { orderLabel, statusLabel } from '@/lib/orders';

const columns: Column<AdminOrderPage['items'][number]>[] = [
  {
    header: 'Order',
    cell: (order) => (
      <Link to={`/admin/orders/${order.id}`} className="font-medium text-brand-700 hover:underline">
        {orderLabel(order)}
      </Link>
    ),
  },
  { header: 'Customer', cell: (order) => order.customer_email },
  { header: 'Placed', cell: (order) => (order.created_at ? new Date(order.created_at).toLocaleString() : '') },
  { header: 'Status', cell: (order) => <OrderStatusBadge status={order.status} /> },
  { header: 'Total', align: 'right', cell: (order) => formatMoney(order.total, order.currency) },
];

export function Component() {
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const orders = useAdminOrders(status, page);

  return (
    <AdminShell title="Orders">
      <SelectField
        label="Status"
        value={status}
        onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}
        containerClassName="w-56"
      >
        <option value="">All statuses</option>
        {orderStatuses.map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
          </option>
        ))}
      </SelectField>
      <QueryView query={orders} loadingLabel="Loading orders…" isEmpty={(data) => data.items.length === 0} emptyTitle="No orders here">
        {(data) => (
          <>
            <DataTable label="Orders" columns={columns} rows={data.items} rowKey={(order) => order.id} rowTestId="admin-order-row" />
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
