import { Link, useSearchParams } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { Pagination } from '@/components/ui/pagination';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { useOrders } from '@/features/orders/api/orders-api';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import { formatMoney } from '@/lib/money';
import { orderLabel } from '@/lib/orders';

export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const orders = useOrders(page);

  return (
    <div>
      <PageTitle>Your orders</PageTitle>
      <QueryView
        query={orders}
        loadingLabel="Loading your orders…"
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState title="No orders yet">
            <Link to="/" className="font-medium text-brand-700 underline">
              Find something you like
            </Link>
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <ul className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200" aria-label="Orders" data-testid="order-list">
              {data.items.map((order) => (
                <li key={order.id} className="flex flex-wrap items-center gap-4 p-4" data-testid="order-row">
                  <Link to={`/orders/${order.id}`} className="font-medium text-brand-700 hover:underline">
                    Order {orderLabel(order)}
                  </Link>
                  <OrderStatusBadge status={order.status} />
                  <span className="text-sm text-slate-600">{order.created_at ? new Date(order.created_at).toLocaleDateString() : ''}</span>
                  <span className="ml-auto font-semibold">{formatMoney(order.total, order.currency)}</span>
                </li>
              ))}
            </ul>
            <Pagination
              page={page}
              pageSize={data.page_size}
              total={data.total}
              onPageChange={(next) => setParams({ page: String(next) })}
            />
          </>
        )}
      </QueryView>
    </div>
  );
}
