/** Words for orders, shared by the shopper's and the admin's pages. */

/** Order statuses in words a shopper understands. */
export function statusLabel(status: string) {
  if (status === 'pending_payment') return 'Awaiting payment';
  if (status === 'payment_failed') return 'Payment failed';
  return status.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/** The order number people quote, or a short form of the id while an order has none. */
export function orderLabel(order: { id: string; number?: string | null; order_number?: string | null }) {
  return order.number ?? order.order_number ?? `#${order.id.slice(0, 8).toUpperCase()}`;
}
