import { Link, useParams, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { PageTitle } from '@/components/ui/page-title';
import { ErrorState, LoadingState } from '@/components/ui/query-states';
import { toast } from '@/components/ui/toast-store';
import { useCancelOrder, useFulfillment, useOrder } from '@/features/orders/api/orders-api';
import { orderLabel } from '@/features/orders/api/schemas';
import { OrderDetailView } from '@/features/orders/components/order-detail-view';

const CANCELLABLE = new Set(['pending_payment', 'paid', 'processing']);
const SHIPPED_OR_LATER = new Set(['shipped', 'delivered', 'refunded']);

/** Order detail; with ?placed=1 it doubles as the order confirmation page. */
export function OrderPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const order = useOrder(id);
  const cancel = useCancelOrder();
  const status = order.data?.status ?? '';
  const fulfillment = useFulfillment(id, SHIPPED_OR_LATER.has(status) && !order.data?.fulfillment);

  if (order.isPending) return <LoadingState label="Loading your order…" />;
  if (order.isError) return <ErrorState error={order.error} onRetry={() => void order.refetch()} />;

  const placed = params.get('placed') === '1';
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600">
        <Link to="/orders" className="hover:underline">
          Your orders
        </Link>{' '}
        / <span aria-current="page">{orderLabel(order.data)}</span>
      </nav>
      <PageTitle title={`Order ${orderLabel(order.data)}`}>{placed ? 'Thank you for your order!' : `Order ${orderLabel(order.data)}`}</PageTitle>
      {placed && (
        <p role="status" className="mb-6 rounded-md bg-emerald-50 p-4 text-emerald-900 ring-1 ring-emerald-200">
          Order {orderLabel(order.data)} is confirmed. We have emailed you a receipt and will let you know when it ships.
        </p>
      )}
      <OrderDetailView
        order={order.data}
        fulfillment={fulfillment.data}
        actions={
          CANCELLABLE.has(status) ? (
            <Button
              variant="secondary"
              size="sm"
              isLoading={cancel.isPending}
              onClick={() => {
                if (!window.confirm('Cancel this order? Paid orders are refunded to your card.')) return;
                cancel.mutate(order.data.id, {
                  onSuccess: () => toast.success('Order cancelled'),
                  onError: (error) => toast.error(error.message),
                });
              }}
            >
              Cancel order
            </Button>
          ) : null
        }
      />
    </div>
  );
}
