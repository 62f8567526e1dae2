import { Link, useSearchParams } from 'react-router';

import { SelectField } from '@/components/ui/form-field';
import { Pagination } from '@/components/ui/pagination';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';
import { useAdminOrders } from '@/features/admin/api/admin-orders-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { orderLabel, orderStatuses } from '@/features/orders/api/schemas';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import { statusLabel } from '@/features/orders/lib/status';
import { formatMoney } from '@/lib/money';

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
      {orders.isPending ? (
        <LoadingState label="Loading orders…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <EmptyState title="No orders here" />
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table className="w-full text-sm" aria-label="Orders">
              <thead className="bg-slate-50 text-left text-slate-700">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium">Order</th>
                  <th scope="col" className="px-3 py-2 font-medium">Customer</th>
                  <th scope="col" className="px-3 py-2 font-medium">Placed</th>
                  <th scope="col" className="px-3 py-2 font-medium">Status</th>
                  <th scope="col" className="px-3 py-2 text-right font-medium">Total</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {orders.data.items.map((order) => (
                  <tr key={order.id} data-testid="admin-order-row">
                    <td className="px-3 py-2">
                      <Link to={`/admin/orders/${order.id}`} className="font-medium text-brand-700 hover:underline">
                        {orderLabel(order)}
                      </Link>
                    </td>
                    <td className="px-3 py-2">{order.customer_email}</td>
                    <td className="px-3 py-2">{order.created_at ? new Date(order.created_at).toLocaleString() : ''}</td>
                    <td className="px-3 py-2">
                      <OrderStatusBadge status={order.status} />
                    </td>
                    <td className="px-3 py-2 text-right">{formatMoney(order.total, order.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={page}
            pageSize={orders.data.page_size}
            total={orders.data.total}
            onPageChange={(next) => {
              const updated = new URLSearchParams(params);
              updated.set('page', String(next));
              setParams(updated);
            }}
          />
        </>
      )}
    </AdminShell>
  );
}
