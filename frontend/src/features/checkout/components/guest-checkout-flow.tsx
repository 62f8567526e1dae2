import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';

import { Button } from '@/components/ui/button';
import { FormError, SelectField, TextField } from '@/components/ui/form-field';
import { EmptyState } from '@/components/ui/query-states';
import { resolveQuery, type QueryState } from '@/components/ui/resolve-query';
import { toast } from '@/components/ui/toast-store';
import { fetchCheckoutOrder, newIdempotencyKey, useCreateGuestPaymentIntent } from '@/features/checkout/api/checkout-api';
import { CheckoutSummary } from '@/features/checkout/components/checkout-summary';
import { PaymentError, PaymentForm } from '@/features/checkout/components/payment-step';
import { describeCheckoutError } from '@/features/checkout/lib/checkout-errors';
import { useCardPayment, type Prepared } from '@/features/checkout/lib/use-card-payment';
import {
  emptyGuestAddress,
  guestDetailsInput,
  guestDetailsSchema,
  guestFieldErrors,
  type GuestAddressValues,
  type GuestDetailsValues,
} from '@/features/checkout/lib/guest-details';
import { ApiError } from '@/lib/api-client';
import { isLineAvailable, type Cart } from '@/lib/api-schemas/identity-commerce';
import { useFormErrors, validate, type FieldErrors } from '@/lib/form';
import { clearGuestCartToken } from '@/lib/guest-cart';
import { guestOrderPath, rememberGuestOrder } from '@/lib/guest-orders';
import { cartKeys, orderKeys } from '@/lib/query-keys';

export interface Country {
  code: string;
  name: string;
}

/**
 * Checkout without an account: email and addresses typed in -> order review with the server's
 * shipping and tax (stock reserved) -> card. The api client sends the guest cart's token; the
 * reply's order token opens the order afterwards and is kept in this browser so the order can
 * be claimed by an account made with the same email (lib/guest-orders).
 */
export function GuestCheckoutFlow({ cart, countries }: { cart: QueryState<Cart>; countries: Country[] }) {
  const createIntent = useCreateGuestPaymentIntent();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [values, setValues] = useState<GuestDetailsValues>({
    email: '',
    shipping: emptyGuestAddress(),
    billingSameAsShipping: true,
    billing: emptyGuestAddress(),
  });
  const [prepared, setPrepared] = useState<(Prepared & { orderToken: string; email: string }) | null>(null);
  const [preparing, setPreparing] = useState(false);
  const errors = useFormErrors();
  const idempotencyKey = useRef(newIdempotencyKey());

  const payment = useCardPayment({
    prepared,
    onPaid: (order) => {
      if (!prepared) return;
      rememberGuestOrder({ orderId: order.id, token: prepared.orderToken, email: prepared.email });
      // Paying emptied the guest cart; the next add starts a new one, and signing up has
      // nothing to merge.
      clearGuestCartToken();
      queryClient.removeQueries({ queryKey: cartKeys.cart });
      queryClient.setQueryData(orderKeys.detail(order.id), order);
      toast.success('Payment received. Thank you for your order!');
      void navigate(guestOrderPath(order.id, prepared.orderToken, { placed: true }), { state: { email: prepared.email } });
    },
    onDeclined: (message) => {
      // That order is closed as payment_failed; a new one (new key) for the next card.
      idempotencyKey.current = newIdempotencyKey();
      setPrepared(null);
      void prepare().then(() => payment.setPaymentError(message));
    },
  });

  const loaded = resolveQuery(cart, {
    loadingLabel: 'Preparing checkout…',
    isEmpty: (current) => current.items.length === 0 && !prepared,
    empty: (
      <EmptyState title="Your cart is empty">
        <Link to="/" className="font-medium text-brand-700 underline">
          Continue shopping
        </Link>
      </EmptyState>
    ),
  });
  if (!loaded.ready) return loaded.view;
  const currentCart = loaded.data;
  const unavailable = currentCart.items.filter((line) => !isLineAvailable(line));

  async function prepare() {
    errors.reset();
    payment.setPaymentError(null);
    const checked = validate(guestDetailsSchema, guestDetailsInput(values));
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    setPreparing(true);
    try {
      const intent = await createIntent.mutateAsync({ ...checked.data, idempotencyKey: idempotencyKey.current });
      const order = await fetchCheckoutOrder(intent.order_id, intent.order_token);
      setPrepared({ intent, order, orderToken: intent.order_token, email: checked.data.email });
    } catch (error) {
      const fields = error instanceof ApiError && error.status === 422 ? guestFieldErrors(error.fieldErrors) : {};
      if (Object.keys(fields).length) errors.setFieldErrors(fields);
      else errors.setFormError(describeCheckoutError(error));
      if (error instanceof ApiError && error.status === 409) void queryClient.invalidateQueries({ queryKey: cartKeys.cart });
      idempotencyKey.current = newIdempotencyKey();
    } finally {
      setPreparing(false);
    }
  }

  function submitDetails(event: FormEvent) {
    event.preventDefault();
    void prepare();
  }

  function changeDetails() {
    // The prepared order holds stock for a while; it expires on its own if not paid.
    setPrepared(null);
    idempotencyKey.current = newIdempotencyKey();
  }

  return (
    <div className="grid gap-8 lg:grid-cols-3">
      <div className="space-y-8 lg:col-span-2">
        <p className="text-sm text-slate-700">
          Checking out as a guest.{' '}
          <Link to="/login?next=%2Fcheckout" className="font-medium text-brand-700 underline">
            Sign in
          </Link>{' '}
          to use your saved addresses; your cart comes with you.
        </p>
        {unavailable.length > 0 && (
          <div role="alert" className="rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-200">
            Some items are no longer available: {unavailable.map((line) => line.name || line.sku).join(', ')}.{' '}
            <Link to="/cart" className="font-medium underline">
              Update your cart
            </Link>{' '}
            before paying.
          </div>
        )}

        <section aria-labelledby="step-details" className="space-y-6">
          <h2 id="step-details" className="text-xl font-semibold">
            1. Contact and address
          </h2>
          {prepared ? (
            <div className="flex flex-wrap items-start justify-between gap-3 rounded-md bg-white p-4 text-sm ring-1 ring-slate-200">
              <div>
                <p className="font-medium">Receipt to {prepared.email}</p>
                <p>
                  Shipping to {values.shipping.full_name},{' '}
                  {[values.shipping.line1, values.shipping.line2, values.shipping.postal_code, values.shipping.city, values.shipping.country]
                    .filter(Boolean)
                    .join(', ')}
                </p>
              </div>
              <Button variant="secondary" size="sm" onClick={changeDetails}>
                Change
              </Button>
            </div>
          ) : (
            <form onSubmit={submitDetails} noValidate className="space-y-6" aria-label="Contact and address">
              <FormError message={errors.formError} />
              <TextField
                label="Email"
                type="email"
                autoComplete="email"
                value={values.email}
                onChange={(e) => setValues({ ...values, email: e.target.value })}
                error={errors.fieldErrors.email}
                hint="Your receipt and the link to your order go here"
              />
              <GuestAddressFields
                legend="Shipping address"
                section="shipping"
                prefix="shipping_address"
                value={values.shipping}
                onChange={(shipping) => setValues({ ...values, shipping })}
                errors={errors.fieldErrors}
                countries={countries}
              />
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="h-4 w-4"
                  checked={values.billingSameAsShipping}
                  onChange={(e) => setValues({ ...values, billingSameAsShipping: e.target.checked })}
                />
                Billing address is the same as shipping
              </label>
              {!values.billingSameAsShipping && (
                <GuestAddressFields
                  legend="Billing address"
                  section="billing"
                  prefix="billing_address"
                  value={values.billing}
                  onChange={(billing) => setValues({ ...values, billing })}
                  errors={errors.fieldErrors}
                  countries={countries}
                />
              )}
              <Button type="submit" isLoading={preparing} disabled={unavailable.length > 0}>
                Review order
              </Button>
            </form>
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

      <CheckoutSummary cart={currentCart} prepared={prepared} />
    </div>
  );
}

/** One address typed in; each field's error is looked up by its body path (`shipping_address.city`). */
function GuestAddressFields({
  legend,
  section,
  prefix,
  value,
  onChange,
  errors,
  countries,
}: {
  legend: string;
  /** The autocomplete section, so a browser fills shipping and billing separately. */
  section: 'shipping' | 'billing';
  prefix: string;
  value: GuestAddressValues;
  onChange: (value: GuestAddressValues) => void;
  errors: FieldErrors;
  countries: Country[];
}) {
  const field = (name: keyof GuestAddressValues) => ({
    value: value[name],
    onChange: (event: { target: { value: string } }) => onChange({ ...value, [name]: event.target.value }),
    error: errors[`${prefix}.${name}`],
  });
  const countryKnown = countries.some((c) => c.code === value.country);
  return (
    <fieldset className="space-y-3">
      <legend className="mb-2 font-medium">{legend}</legend>
      <TextField label="Full name" autoComplete={`${section} name`} {...field('full_name')} />
      <TextField label="Address line 1" autoComplete={`${section} address-line1`} {...field('line1')} />
      <TextField label="Address line 2 (optional)" autoComplete={`${section} address-line2`} {...field('line2')} />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="City" autoComplete={`${section} address-level2`} {...field('city')} />
        <TextField label="State / region (optional)" autoComplete={`${section} address-level1`} {...field('state')} />
        <TextField label="Postal code" autoComplete={`${section} postal-code`} {...field('postal_code')} />
        <SelectField label="Country" autoComplete={`${section} country`} {...field('country')}>
          {!countryKnown && <option value={value.country}>{value.country}</option>}
          {countries.map((country) => (
            <option key={country.code} value={country.code}>
              {country.name}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField label="Phone (optional)" type="tel" autoComplete={`${section} tel`} {...field('phone')} />
    </fieldset>
  );
}
