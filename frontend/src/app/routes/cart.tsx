import { Link } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';
import { isLineAvailable, useCart } from '@/features/cart/api/cart-api';
import { CartLineItem } from '@/features/cart/components/cart-line-item';
import { OrderTotals } from '@/features/checkout/components/order-totals';

export function CartPage() {
  const cart = useCart();
  return (
    <div>
      <PageTitle>Your cart</PageTitle>
      {cart.isPending ? (
        <LoadingState label="Loading your cart…" />
      ) : cart.isError ? (
        <ErrorState error={cart.error} onRetry={() => void cart.refetch()} />
      ) : cart.data.items.length === 0 ? (
        <EmptyState title="Your cart is empty">
          <Link to="/" className="font-medium text-brand-700 underline">
            Start shopping
          </Link>
        </EmptyState>
      ) : (
        <div className="grid gap-8 lg:grid-cols-3">
          <div className="lg:col-span-2">
            {cart.data.refreshed === false && (
              <p role="status" className="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
                Prices and stock could not be refreshed just now; they will be checked again at checkout.
              </p>
            )}
            <ul className="divide-y divide-slate-200 rounded-lg bg-white px-4 ring-1 ring-slate-200" aria-label="Cart items">
              {cart.data.items.map((line) => (
                <CartLineItem key={line.id} line={line} currency={cart.data.currency} />
              ))}
            </ul>
          </div>
          <aside className="h-fit space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-label="Cart totals">
            <OrderTotals subtotal={cart.data.subtotal} currency={cart.data.currency} />
            {cart.data.items.some((line) => !isLineAvailable(line)) ? (
              <p className="text-sm text-red-700">Remove the out-of-stock items to check out.</p>
            ) : (
              <Link to="/checkout" className="block rounded-md bg-brand-600 px-4 py-2 text-center text-sm font-medium text-white hover:bg-brand-700">
                Checkout
              </Link>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
