import { Link, useParams, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { PageTitle } from '@/components/ui/page-title';
import { resolveQuery } from '@/components/ui/resolve-query';
import { toast } from '@/components/ui/toast-store';
import { useCancelOrder, useFulfillment, useOrder } from '@/features/orders/api/orders-api';
import { OrderDetailView } from '@/features/orders/components/order-detail-view';
import { ReturnItemsForm } from '@/features/orders/components/return-items-form';
import { orderLabel } from '@/lib/orders';

const CANCELLABLE = new Set(['pending_payment', 'paid', 'processing']);
const SHIPPED_OR_LATER = new Set(['shipped', 'delivered', 'refunded', 'partially_refunded']);

/** Order detail; with ?placed=1 it doubles as the order confirmation page. */
export function OrderPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const order = useOrder(id);
  const cancel = useCancelOrder();
  const status = order.data?.status ?? '';
  const fulfillment = useFulfillment(id, SHIPPED_OR_LATER.has(status) && !order.data?.fulfillment);

  const loaded = resolveQuery(order, { loadingLabel: 'Loading your order…' });
  if (!loaded.ready) return loaded.view;

  const placed = params.get('placed') === '1';
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600">
        <Link to="/orders" className="hover:underline">
          Your orders
        </Link>{' '}
        / <span aria-current="page">{orderLabel(loaded.data)}</span>
      </nav>
      <PageTitle title={`Order ${orderLabel(loaded.data)}`}>{placed ? 'Thank you for your order!' : `Order ${orderLabel(loaded.data)}`}</PageTitle>
      {placed && (
        <p role="status" className="mb-6 rounded-md bg-emerald-50 p-4 text-emerald-900 ring-1 ring-emerald-200">
          Order {orderLabel(loaded.data)} is confirmed. We have emailed you a receipt and will let you know when it ships.
        </p>
      )}
      <OrderDetailView
        order={loaded.data}
        fulfillment={fulfillment.data}
        actions={
          CANCELLABLE.has(status) ? (
            <Button
              variant="secondary"
              size="sm"
              isLoading={cancel.isPending}
              onClick={() => {
                if (!window.confirm('Cancel this order? Paid orders are refunded to your card.')) return;
                cancel.mutate(loaded.data.id, {
                  onSuccess: () => toast.success('Order cancelled'),
                  onError: (error) => toast.error(error.message),
                });
              }}
            >
              Cancel order
            </Button>
          ) : (
            <ReturnItemsForm order={loaded.data} />
          )
        }
      />
    </div>
  );
}
