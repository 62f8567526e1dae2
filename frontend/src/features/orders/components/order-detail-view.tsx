import type { ReactNode } from 'react';
import { Link } from 'react-router';

import { DataTable, type Column } from '@/components/ui/data-table';
import { OrderTotals } from '@/components/ui/order-totals';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import { OrderTimeline } from '@/features/orders/components/order-timeline';
import { RefundsAndReturns } from '@/features/orders/components/refunds-and-returns';
import type { Fulfillment, Order } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

type Snapshot = Order['shipping_address'];
type Item = Order['items'][number];

function itemColumns(currency: string): Column<Item>[] {
  return [
    {
      header: 'Item',
      cell: (item) => (
        <>
          {item.product_id ? (
            <Link to={`/products/${item.product_id}`} className="text-brand-700 hover:underline">
              {item.name || item.sku}
            </Link>
          ) : (
            item.name || item.sku
          )}
          <span className="block text-xs text-slate-600">SKU {item.sku}</span>
        </>
      ),
    },
    { header: 'Qty', align: 'right', cell: (item) => item.quantity },
    { header: 'Price', align: 'right', cell: (item) => formatMoney(item.unit_price, currency) },
    { header: 'Total', align: 'right', cell: (item) => formatMoney(item.line_total, currency) },
  ];
}

function AddressBlock({ title, address }: { title: string; address: Snapshot }) {
  if (!address) return null;
  return (
    <div>
      <h3 className="text-sm font-medium">{title}</h3>
      <address className="text-sm not-italic text-slate-700">
        {address.full_name}
        <br />
        {address.line1}
        {address.line2 && (
          <>
            <br />
            {address.line2}
          </>
        )}
        <br />
        {[address.postal_code, address.city, address.state].filter(Boolean).join(' ')}
        <br />
        {address.country}
      </address>
    </div>
  );
}

export function TrackingPanel({ fulfillment }: { fulfillment: Fulfillment | null | undefined }) {
  if (!fulfillment?.tracking_number) return null;
  return (
    <section aria-labelledby="tracking-heading" className="rounded-lg bg-sky-50 p-4 ring-1 ring-sky-200">
      <h2 id="tracking-heading" className="font-semibold text-sky-950">
        Tracking
      </h2>
      <p className="mt-1 text-sm text-sky-950">
        {fulfillment.carrier && <>Carrier: <span data-testid="carrier">{fulfillment.carrier}</span> · </>}
        Tracking number: <span data-testid="tracking-number" className="font-mono">{fulfillment.tracking_number}</span>
        {fulfillment.status && <> · Status: {fulfillment.status.replace(/_/g, ' ')}</>}
      </p>
      {fulfillment.tracking_url && (
        <a href={fulfillment.tracking_url} target="_blank" rel="noreferrer" className="mt-1 inline-block text-sm font-medium text-sky-900 underline">
          Track your parcel
        </a>
      )}
    </section>
  );
}

/** Everything about one order; shared by the shopper's and the admin's order pages. */
export function OrderDetailView({ order, fulfillment, actions }: { order: Order; fulfillment?: Fulfillment | null; actions?: ReactNode }) {
  const tracking = order.fulfillment ?? fulfillment;
  return (
    <div className="grid gap-8 lg:grid-cols-3">
      <div className="space-y-6 lg:col-span-2">
        <div className="flex flex-wrap items-center gap-3">
          <OrderStatusBadge status={order.status} />
          {order.created_at && <span className="text-sm text-slate-600">Placed {new Date(order.created_at).toLocaleString()}</span>}
          {actions}
        </div>
        {order.status === 'payment_failed' && order.payment?.failure_message && (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200">
            {order.payment.failure_message}
          </p>
        )}
        <TrackingPanel fulfillment={tracking} />
        <section aria-labelledby="items-heading">
          <h2 id="items-heading" className="mb-2 font-semibold">
            Items
          </h2>
          <DataTable variant="lines" columns={itemColumns(order.currency)} rows={order.items} rowKey={(item) => item.sku} />
        </section>
        <div className="grid gap-4 sm:grid-cols-2">
          <AddressBlock title="Shipping address" address={order.shipping_address} />
          <AddressBlock title="Billing address" address={order.billing_address} />
        </div>
      </div>
      <aside className="space-y-6">
        <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <OrderTotals subtotal={order.subtotal} discount={order.discount} promoCode={order.promo_code} shippingMethod={order.shipping_method} shipping={order.shipping} tax={order.tax} total={order.total} currency={order.currency} />
        </div>
        <RefundsAndReturns order={order} />
        <section aria-labelledby="timeline-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="timeline-heading" className="mb-3 font-semibold">
            Status history
          </h2>
          <OrderTimeline timeline={order.timeline} />
        </section>
      </aside>
    </div>
  );
}
