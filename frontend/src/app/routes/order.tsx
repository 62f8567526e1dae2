import { Link, Navigate, useLocation, useParams, useSearchParams } from 'react-router';

import { Button } from '@/components/ui/button';
import { PageTitle } from '@/components/ui/page-title';
import { ErrorState } from '@/components/ui/query-states';
import { resolveQuery } from '@/components/ui/resolve-query';
import { toast } from '@/components/ui/toast-store';
import { useCancelOrder, useFulfillment, useOrder } from '@/features/orders/api/orders-api';
import { ClaimGuestOrder, GuestOrderConfirmation } from '@/features/orders/components/guest-order-panels';
import { OrderDetailView } from '@/features/orders/components/order-detail-view';
import { ReturnItemsForm } from '@/features/orders/components/return-items-form';
import { ApiError } from '@/lib/api-client';
import { guestOrder } from '@/lib/guest-orders';
import { orderLabel } from '@/lib/orders';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

const CANCELLABLE = new Set(['pending_payment', 'paid', 'processing']);
const SHIPPED_OR_LATER = new Set(['shipped', 'delivered', 'refunded', 'partially_refunded']);

/**
 * Order detail; with ?placed=1 it doubles as the order confirmation page. With ?token= (the
 * link in a guest order's emails and on its confirmation) it opens that order without a
 * sign-in; without a token it is the signed-in shopper's order.
 */
export function OrderPage() {
  const [params] = useSearchParams();
  const signedIn = useSessionStore(selectIsSignedIn);
  const location = useLocation();
  const orderToken = params.get('token');
  if (!orderToken && !signedIn) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <OrderDetails orderToken={orderToken} signedIn={signedIn} />;
}

function OrderNotFound({ byToken, message }: { byToken: boolean; message: string }) {
  return (
    <section role="alert" className="mx-auto max-w-lg rounded-lg bg-white p-8 text-center shadow-sm ring-1 ring-slate-200">
      <h1 className="text-2xl font-semibold">Order not found</h1>
      <p className="mt-3 text-slate-700">
        {byToken
          ? 'This link does not open an order. Check that you opened the whole link from your order email.'
          : message}
      </p>
      <Link to="/" className="mt-6 inline-block font-medium text-brand-700 underline">
        Back to the shop
      </Link>
    </section>
  );
}

function OrderDetails({ orderToken, signedIn }: { orderToken: string | null; signedIn: boolean }) {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const location = useLocation();
  const order = useOrder(id, orderToken);
  const cancel = useCancelOrder();
  const status = order.data?.status ?? '';
  const byToken = orderToken !== null;
  // Tracking asks catalog-fulfillment with the shopper's sign-in; a guest order carries its own.
  const fulfillment = useFulfillment(id, !byToken && SHIPPED_OR_LATER.has(status) && !order.data?.fulfillment);

  const loaded = resolveQuery(order, {
    loadingLabel: 'Loading your order…',
    renderError: (error, retry) =>
      error instanceof ApiError && error.status === 404 ? <OrderNotFound byToken={byToken} message={error.message} /> : <ErrorState error={error} onRetry={retry} />,
  });
  if (!loaded.ready) return loaded.view;

  const placed = params.get('placed') === '1';
  const checkoutEmail = (location.state as { email?: string } | null)?.email ?? guestOrder(loaded.data.id)?.email ?? null;
  return (
    <div>
      {!byToken && (
        <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600">
          <Link to="/orders" className="hover:underline">
            Your orders
          </Link>{' '}
          / <span aria-current="page">{orderLabel(loaded.data)}</span>
        </nav>
      )}
      <PageTitle title={`Order ${orderLabel(loaded.data)}`}>{placed ? 'Thank you for your order!' : `Order ${orderLabel(loaded.data)}`}</PageTitle>
      {placed && orderToken ? (
        <GuestOrderConfirmation order={loaded.data} orderToken={orderToken} email={checkoutEmail} signedIn={signedIn} />
      ) : (
        placed && (
          <p role="status" className="mb-6 rounded-md bg-emerald-50 p-4 text-emerald-900 ring-1 ring-emerald-200">
            Order {orderLabel(loaded.data)} is confirmed. We have emailed you a receipt and will let you know when it ships.
          </p>
        )
      )}
      {orderToken && signedIn && !placed && <ClaimGuestOrder orderToken={orderToken} />}
      <OrderDetailView
        order={loaded.data}
        fulfillment={fulfillment.data}
        actions={
          // Cancelling and returns need the account; the token opens a guest order read-only.
          byToken ? null : CANCELLABLE.has(status) ? (
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
