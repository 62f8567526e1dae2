import { Link, useSearchParams } from 'react-router';

import { Pagination } from '@/components/ui/pagination';
import { PageTitle } from '@/components/ui/page-title';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';
import { useOrders } from '@/features/orders/api/orders-api';
import { orderLabel } from '@/features/orders/api/schemas';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import { formatMoney } from '@/lib/money';

export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const orders = useOrders(page);

  return (
    <div>
      <PageTitle>Your orders</PageTitle>
      {orders.isPending ? (
        <LoadingState label="Loading your orders…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} onRetry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <EmptyState title="No orders yet">
          <Link to="/" className="font-medium text-brand-700 underline">
            Find something you like
          </Link>
        </EmptyState>
      ) : (
        <>
          <ul className="divide-y divide-slate-200 rounded-lg bg-white ring-1 ring-slate-200" aria-label="Orders" data-testid="order-list">
            {orders.data.items.map((order) => (
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
            pageSize={orders.data.page_size}
            total={orders.data.total}
            onPageChange={(next) => setParams({ page: String(next) })}
          />
        </>
      )}
    </div>
  );
}
