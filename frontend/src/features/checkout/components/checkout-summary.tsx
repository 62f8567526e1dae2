import { OrderTotals } from '@/components/ui/order-totals';
import type { Prepared } from '@/features/checkout/lib/use-card-payment';
import type { PromoFieldComponent } from '@/features/checkout/components/checkout-flow';
import type { Cart } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

/**
 * The lines and totals beside the checkout: the cart's (with its promo code and the field to
 * change it, when the page hands one in), then the prepared order's with discount, shipping and tax.
 */
export function CheckoutSummary({ cart, prepared, PromoField }: { cart: Cart; prepared: Prepared | null; PromoField?: PromoFieldComponent }) {
  return (
    <aside aria-labelledby="summary-heading" className="h-fit space-y-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 id="summary-heading" className="font-semibold">
        Order summary
      </h2>
      <ul className="divide-y divide-slate-100 text-sm">
        {(prepared ? prepared.order.items : cart.items).map((line) => (
          <li key={line.sku} className="flex justify-between gap-2 py-2">
            <span>
              {line.quantity} × {line.name || line.sku}
            </span>
            <span>{formatMoney(line.line_total, prepared?.order.currency ?? cart.currency)}</span>
          </li>
        ))}
      </ul>
      {prepared ? (
        <OrderTotals
          subtotal={prepared.order.subtotal}
          discount={prepared.order.discount}
          promoCode={prepared.order.promo_code}
          shippingMethod={prepared.order.shipping_method}
          shipping={prepared.order.shipping}
          tax={prepared.order.tax}
          total={prepared.order.total}
          currency={prepared.order.currency}
        />
      ) : (
        <OrderTotals subtotal={cart.subtotal} discount={cart.discount} promoCode={cart.promo?.code} currency={cart.currency} />
      )}
      {!prepared && PromoField && <PromoField promo={cart.promo} currency={cart.currency} />}
    </aside>
  );
}
