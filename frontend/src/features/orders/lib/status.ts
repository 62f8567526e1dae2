/** Order statuses in words a shopper understands. */
export function statusLabel(status: string) {
  if (status === 'pending_payment') return 'Awaiting payment';
  if (status === 'payment_failed') return 'Payment failed';
  return status.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}
