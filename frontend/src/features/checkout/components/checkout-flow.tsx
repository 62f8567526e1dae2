import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ComponentType } from 'react';
import { Link, useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { FormError } from '@/components/ui/form-field';
import { EmptyState } from '@/components/ui/query-states';
import { combineQueries, resolveQuery, type QueryState } from '@/components/ui/resolve-query';
import { toast } from '@/components/ui/toast-store';
import { fetchCheckoutOrder, newIdempotencyKey, useCreatePaymentIntent, useShippingMethods } from '@/features/checkout/api/checkout-api';
import { CheckoutSummary } from '@/features/checkout/components/checkout-summary';
import { PaymentError, PaymentForm } from '@/features/checkout/components/payment-step';
import { ShippingMethodChoice } from '@/features/checkout/components/shipping-method-choice';
import { describeCheckoutError } from '@/features/checkout/lib/checkout-errors';
import { useCardPayment, type Prepared } from '@/features/checkout/lib/use-card-payment';
import { ApiError } from '@/lib/api-client';
import { isLineAvailable, type Address, type AddressKind, type Cart, type Order } from '@/lib/api-schemas/identity-commerce';
import { cartKeys, orderKeys } from '@/lib/query-keys';

/** The address step's chooser; the addresses feature provides it (the page passes it in). */
export type AddressPickerComponent = ComponentType<{
  legend: string;
  kind: AddressKind;
  addresses: Address[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}>;

/** The cart's promo-code field; the cart feature provides it (the page passes it in). */
export type PromoFieldComponent = ComponentType<{ promo?: Cart['promo']; currency: string }>;

function pickDefault(addresses: Address[], kind: Address['kind']): string | null {
  return (
    addresses.find((a) => a.kind === kind && a.is_default)?.id ??
    addresses.find((a) => a.kind === kind)?.id ??
    addresses[0]?.id ??
    null
  );
}

/**
 * Checkout in three steps on one page: addresses -> order review with the server's shipping and
 * tax (this also reserves the stock) -> card payment. A declined card leaves the cart as it is and
 * prepares a fresh order so the shopper can try another card at once. The page hands in the
 * shopper's cart and addresses (their features own them) and the address picker.
 */
export function CheckoutFlow({
  cart,
  addresses,
  AddressPicker,
  PromoField,
}: {
  cart: QueryState<Cart>;
  addresses: QueryState<Address[]>;
  AddressPicker: AddressPickerComponent;
  PromoField?: PromoFieldComponent;
}) {
  const createIntent = useCreatePaymentIntent();
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  // null until the shopper picks one: the default address is used meanwhile.
  const [chosenShippingId, setShippingId] = useState<string | null>(null);
  const [chosenBillingId, setBillingId] = useState<string | null>(null);
  const [billingSameAsShipping, setBillingSameAsShipping] = useState(true);
  const [shippingMethodId, setShippingMethodId] = useState<string | null>(null);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const [preparing, setPreparing] = useState(false);
  const [checkoutError, setCheckoutError] = useState<string | null>(null);
  const idempotencyKey = useRef(newIdempotencyKey());
  const payment = useCardPayment({
    prepared,
    onPaid: (order: Order) => {
      queryClient.setQueryData(orderKeys.detail(order.id), order);
      toast.success('Payment received. Thank you for your order!');
      void navigate(`/orders/${order.id}?placed=1`);
    },
    onDeclined: (message) => {
      // That order is closed as payment_failed; prepare a new one for the next card.
      idempotencyKey.current = newIdempotencyKey();
      setPrepared(null);
      void prepareAfterDecline(message);
    },
  });
  const setPaymentError = payment.setPaymentError;
  const cartData = cart.data;
  const addressList = addresses.data;
  const shipCountry = addressList?.find((a) => a.id === (chosenShippingId ?? (addressList ? pickDefault(addressList, 'shipping') : null)))?.country;
  const shippingMethods = useShippingMethods(shipCountry, cartData?.discounted_subtotal ?? cartData?.subtotal ?? '0');

  // Early returns, not <QueryView>: this component's state (a prepared order) must outlive a failed refetch.
  const loaded = resolveQuery(combineQueries(cart, addresses), {
    loadingLabel: 'Preparing checkout…',
    // Paying empties the cart; the prepared order stays on screen until the page moves on.
    isEmpty: ([current]) => current.items.length === 0 && !prepared,
    empty: (
      <EmptyState title="Your cart is empty">
        <Link to="/" className="font-medium text-brand-700 underline">
          Continue shopping
        </Link>
      </EmptyState>
    ),
  });
  if (!loaded.ready) return loaded.view;
  const [currentCart, savedAddresses] = loaded.data;

  const shippingId = chosenShippingId ?? pickDefault(savedAddresses, 'shipping');
  const billingId = chosenBillingId ?? pickDefault(savedAddresses, 'billing');
  const unavailable = currentCart.items.filter((line) => !isLineAvailable(line));
  const effectiveBillingId = billingSameAsShipping ? shippingId : billingId;

  async function prepare() {
    if (!shippingId || !effectiveBillingId) {
      setCheckoutError('Choose a shipping and a billing address first.');
      return;
    }
    setCheckoutError(null);
    setPaymentError(null);
    setPreparing(true);
    try {
      const intent = await createIntent.mutateAsync({
        shipping_address_id: shippingId,
        billing_address_id: effectiveBillingId,
        shipping_method_id: shippingMethodId ?? shippingMethods.data?.[0]?.id ?? null,
        idempotencyKey: idempotencyKey.current,
      });
      const order = await fetchCheckoutOrder(intent.order_id);
      setPrepared({ intent, order });
    } catch (error) {
      setCheckoutError(describeCheckoutError(error));
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: cartKeys.cart });
      // A fresh key: what failed created nothing the next try should be tied to.
      idempotencyKey.current = newIdempotencyKey();
    } finally {
      setPreparing(false);
    }
  }

  function changeAddresses() {
    // The prepared order holds stock for a while; it expires on its own if not paid.
    setPrepared(null);
    idempotencyKey.current = newIdempotencyKey();
  }

  async function prepareAfterDecline(message: string) {
    await prepare();
    // prepare() clears errors; the shopper still needs to read why the last card failed.
    setPaymentError(message);
  }

  return (
    <div className="grid gap-8 lg:grid-cols-3">
      <div className="space-y-8 lg:col-span-2">
        {unavailable.length > 0 && (
          <div role="alert" className="rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
            Some items are no longer available: {unavailable.map((line) => line.name || line.sku).join(', ')}.{' '}
            <Link to="/cart" className="font-medium underline">
              Update your cart
            </Link>{' '}
            before paying.
          </div>
        )}

        <section aria-labelledby="step-addresses" className="space-y-6">
          <h2 id="step-addresses" className="text-xl font-semibold">
            1. Addresses
          </h2>
          {prepared ? (
            <div className="flex flex-wrap items-start justify-between gap-3 rounded-md bg-white p-4 text-sm ring-1 ring-slate-200">
              <AddressSummary order={prepared.order} />
              <Button variant="secondary" size="sm" onClick={changeAddresses}>
                Change
              </Button>
            </div>
          ) : (
            <>
              <AddressPicker legend="Shipping address" kind="shipping" addresses={savedAddresses} selectedId={shippingId} onSelect={setShippingId} />
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" className="h-4 w-4" checked={billingSameAsShipping} onChange={(e) => setBillingSameAsShipping(e.target.checked)} />
                Billing address is the same as shipping
              </label>
              {!billingSameAsShipping && (
                <AddressPicker legend="Billing address" kind="billing" addresses={savedAddresses} selectedId={billingId} onSelect={setBillingId} />
              )}
              {shippingMethods.data && shippingMethods.data.length > 0 && (
                <ShippingMethodChoice
                  options={shippingMethods.data}
                  selectedId={shippingMethodId}
                  onSelect={(id) => {
                    setShippingMethodId(id);
                    idempotencyKey.current = newIdempotencyKey(); // another body: another key
                  }}
                  currency={currentCart.currency}
                />
              )}
              <FormError message={checkoutError} />
              <Button onClick={() => void prepare()} isLoading={preparing} disabled={unavailable.length > 0 || !shippingId}>
                Review order
              </Button>
            </>
          )}
        </section>

        <section aria-labelledby="step-payment" className="space-y-4">
          <h2 id="step-payment" className={prepared ? 'text-xl font-semibold' : 'text-xl font-semibold text-slate-500'}>
            2. Payment
          </h2>
          {prepared ? (
            <PaymentForm prepared={prepared} payment={payment} />
          ) : (
            <>
              <PaymentError message={payment.paymentError} />
              <p className="text-sm text-slate-600">Review your order to see shipping and tax, then pay by card.</p>
            </>
          )}
        </section>
      </div>

      <CheckoutSummary cart={currentCart} prepared={prepared} PromoField={PromoField} />
    </div>
  );
}

function AddressSummary({ order }: { order: Order }) {
  const ship = order.shipping_address;
  return (
    <div>
      <p className="font-medium">Shipping to</p>
      {ship ? (
        <p>
          {ship.full_name}, {[ship.line1, ship.line2, ship.postal_code, ship.city, ship.country].filter(Boolean).join(', ')}
        </p>
      ) : (
        <p>Your chosen address</p>
      )}
    </div>
  );
}
