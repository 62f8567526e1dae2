import { formatMoney } from '@/lib/money';

export function OrderTotals({
  subtotal,
  discount,
  promoCode,
  shippingMethod,
  shipping,
  tax,
  total,
  currency,
}: {
  subtotal: string;
  discount?: string | null;
  promoCode?: string | null;
  shippingMethod?: string | null;
  shipping?: string | null;
  tax?: string | null;
  total?: string | null;
  currency: string;
}) {
  return (
    <dl className="space-y-1 text-sm">
      <div className="flex justify-between">
        <dt>Subtotal</dt>
        <dd>{formatMoney(subtotal, currency)}</dd>
      </div>
      {discount != null && Number(discount) > 0 && (
        <div className="flex justify-between text-green-800">
          <dt>Discount{promoCode ? ` (${promoCode})` : ''}</dt>
          <dd data-testid="discount-amount">−{formatMoney(discount, currency)}</dd>
        </div>
      )}
      <div className="flex justify-between">
        <dt>Shipping{shippingMethod ? ` (${shippingMethod})` : ''}</dt>
        <dd data-testid="shipping-amount">{shipping == null ? 'Calculated at checkout' : Number(shipping) === 0 ? 'Free' : formatMoney(shipping, currency)}</dd>
      </div>
      <div className="flex justify-between">
        <dt>Tax</dt>
        <dd data-testid="tax-amount">{tax == null ? 'Calculated at checkout' : formatMoney(tax, currency)}</dd>
      </div>
      {total != null && (
        <div className="flex justify-between border-t border-slate-200 pt-2 text-base font-semibold">
          <dt>Total</dt>
          <dd data-testid="order-total">{formatMoney(total, currency)}</dd>
        </div>
      )}
    </dl>
  );
}
