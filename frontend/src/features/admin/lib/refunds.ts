import type { Order } from '@/lib/api-schemas/identity-commerce';

/** Units of each line not refunded yet (the service refuses more with 409 anyway). */
export function refundableUnits(order: Order): Record<string, number> {
  const left: Record<string, number> = {};
  for (const item of order.items) left[item.sku] = (left[item.sku] ?? 0) + item.quantity;
  for (const refund of order.payment?.refunds ?? []) {
    for (const line of refund.lines) left[line.sku] = Math.max(0, (left[line.sku] ?? 0) - line.quantity);
  }
  return left;
}
