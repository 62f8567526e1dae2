import { Link } from 'react-router';

import { OrderTotals } from '@/components/ui/order-totals';
import { PageTitle } from '@/components/ui/page-title';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { useCart } from '@/features/cart/api/cart-api';
import { CartLineItem } from '@/features/cart/components/cart-line-item';
import { PromoCodeForm } from '@/features/cart/components/promo-code-form';
import { isLineAvailable } from '@/lib/api-schemas/identity-commerce';

export function CartPage() {
  const cart = useCart();
  return (
    <div>
      <PageTitle>Your cart</PageTitle>
      <QueryView
        query={cart}
        loadingLabel="Loading your cart…"
        isEmpty={(data) => data.items.length === 0}
        empty={
          <EmptyState title="Your cart is empty">
            <Link to="/" className="font-medium text-brand-700 underline">
              Start shopping
            </Link>
          </EmptyState>
        }
      >
        {(data) => (
          <div className="grid gap-8 lg:grid-cols-3">
            <div className="lg:col-span-2">
              {data.refreshed === false && (
                <p role="status" className="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
                  Prices and stock could not be refreshed just now; they will be checked again at checkout.
                </p>
              )}
              <ul className="divide-y divide-slate-200 rounded-lg bg-white px-4 ring-1 ring-slate-200" aria-label="Cart items">
                {data.items.map((line) => (
                  <CartLineItem key={line.id} line={line} currency={data.currency} />
                ))}
              </ul>
            </div>
            <aside className="h-fit space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-label="Cart totals">
              <OrderTotals subtotal={data.subtotal} discount={data.discount} promoCode={data.promo?.code} currency={data.currency} />
              <PromoCodeForm promo={data.promo} currency={data.currency} />
              {data.items.some((line) => !isLineAvailable(line)) ? (
                <p className="text-sm text-red-700">Remove the out-of-stock items to check out.</p>
              ) : (
                <Link to="/checkout" className="block rounded-md bg-brand-600 px-4 py-2 text-center text-sm font-medium text-white hover:bg-brand-700">
                  Checkout
                </Link>
              )}
            </aside>
          </div>
        )}
      </QueryView>
    </div>
  );
}
