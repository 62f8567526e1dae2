import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CheckoutPage } from '@/app/routes/checkout';
import { installStripe } from '@/features/checkout/lib/stripe-double';
import { guestCartToken, setGuestCartToken } from '@/lib/guest-cart';
import { guestOrders } from '@/lib/guest-orders';
import { cart, paidOrder } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter } from '@/test/test-utils';

const CART_TOKEN = 'guest-cart-token-0123456789';
const ORDER_TOKEN = 'order-token-abcdefghijklmnop';
const buyableCart = { ...cart, items: [cart.items[0]!], subtotal: '899.00', item_count: 1 };
const guestOrder = { ...paidOrder, user_id: null, status: 'pending_payment', payment: { ...paidOrder.payment, status: 'requires_payment_method' } };

interface Seen {
  intentBody?: unknown;
  intentCartToken?: string | null;
  intentAuthorization?: string | null;
  orderToken?: string | null;
  confirmCartToken?: string | null;
}

describe('guest checkout', () => {
  let seen: Seen;

  beforeEach(() => {
    seen = {};
    installStripe(() => '4242');
    setGuestCartToken(CART_TOKEN);
    server.use(
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json(buyableCart)),
      http.post(`${IDENTITY}/checkout/create-payment-intent`, async ({ request }) => {
        seen.intentBody = await request.json();
        seen.intentCartToken = request.headers.get('x-cart-token');
        seen.intentAuthorization = request.headers.get('authorization');
        return HttpResponse.json(
          {
            order_id: paidOrder.id,
            payment_intent_id: 'pi_1',
            client_secret: 'pi_1_secret_x',
            amount: '970.92',
            currency: 'USD',
            status: 'pending_payment',
            reservation_expires_at: '2026-11-20T10:15:00Z',
            publishable_key: 'pk_test',
            order_token: ORDER_TOKEN,
          },
          { status: 201 },
        );
      }),
      http.get(`${IDENTITY}/orders/${paidOrder.id}`, ({ request }) => {
        seen.orderToken = request.headers.get('x-order-token');
        return HttpResponse.json(guestOrder);
      }),
      http.post(`${IDENTITY}/checkout/confirm`, ({ request }) => {
        seen.confirmCartToken = request.headers.get('x-cart-token');
        return HttpResponse.json({ ...paidOrder, user_id: null });
      }),
    );
  });

  afterEach(() => {
    delete window.Stripe;
    localStorage.clear();
  });

  const confirmationRoute = [{ path: '/orders/:id', element: <p>Guest confirmation page</p> }];

  /** Pastes rather than types: a dozen fields typed key by key take seconds on a busy machine. */
  async function fill(user: ReturnType<typeof userEvent.setup>, field: HTMLElement, text: string) {
    await user.click(field);
    await user.paste(text);
  }

  async function fillDetails() {
    const user = userEvent.setup();
    await fill(user, await screen.findByLabelText('Email'), 'grace@example.com');
    await fill(user, screen.getByLabelText('Full name'), 'Grace Guest');
    await fill(user, screen.getByLabelText('Address line 1'), '1 Infinite Loop');
    await fill(user, screen.getByLabelText('City'), 'Cupertino');
    await fill(user, screen.getByLabelText('Postal code'), '95014');
    return user;
  }

  it('checks out with email, address and card, then opens the order by its token', async () => {
    const { router } = renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: confirmationRoute });
    expect(await screen.findByText(/Checking out as a guest/)).toBeInTheDocument();
    const user = await fillDetails();
    await user.click(screen.getByRole('button', { name: 'Review order' }));

    expect(await screen.findByText('Receipt to grace@example.com')).toBeInTheDocument();
    expect(screen.getByTestId('order-total')).toHaveTextContent('$970.92');
    expect(seen.intentCartToken).toBe(CART_TOKEN);
    expect(seen.intentAuthorization).toBeNull();
    // Empty optional fields are left out; billing defaults to shipping on the server.
    expect(seen.intentBody).toEqual({
      email: 'grace@example.com',
      shipping_address: {
        kind: 'shipping',
        is_default: false,
        full_name: 'Grace Guest',
        line1: '1 Infinite Loop',
        city: 'Cupertino',
        postal_code: '95014',
        country: 'US',
      },
    });
    expect(seen.orderToken).toBe(ORDER_TOKEN);

    await waitFor(() => expect(screen.getByPlaceholderText('number')).toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'Pay $970.92' }));
    expect(await screen.findByText('Guest confirmation page')).toBeInTheDocument();
    expect(seen.confirmCartToken).toBe(CART_TOKEN);
    expect(router.state.location.pathname).toBe(`/orders/${paidOrder.id}`);
    expect(router.state.location.search).toBe(`?token=${ORDER_TOKEN}&placed=1`);
    // Kept so an account made with this email can claim the order later.
    expect(guestOrders()).toEqual([{ orderId: paidOrder.id, token: ORDER_TOKEN, email: 'grace@example.com' }]);
    // That cart is empty now: the next add starts a new one.
    expect(guestCartToken()).toBeNull();
  });

  it('sends a different billing address when asked', async () => {
    renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: confirmationRoute });
    const user = await fillDetails();
    await user.click(screen.getByLabelText('Billing address is the same as shipping'));
    const billing = screen.getByRole('group', { name: 'Billing address' });
    const inBilling = (label: string) => billing.querySelector<HTMLInputElement>(`#${CSS.escape(screen.getAllByLabelText(label).at(-1)!.id)}`)!;
    await fill(user, inBilling('Full name'), 'Grace Payer');
    await fill(user, inBilling('Address line 1'), '2 Bill St');
    await fill(user, inBilling('City'), 'Austin');
    await fill(user, inBilling('Postal code'), '73301');
    await user.click(screen.getByRole('button', { name: 'Review order' }));
    await screen.findByText('Receipt to grace@example.com');
    expect((seen.intentBody as { billing_address: unknown }).billing_address).toEqual({
      kind: 'billing',
      is_default: false,
      full_name: 'Grace Payer',
      line1: '2 Bill St',
      city: 'Austin',
      postal_code: '73301',
      country: 'US',
    });
  });

  it('checks the form before sending and shows the server’s field errors next to the fields', async () => {
    renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: confirmationRoute });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Review order' }));
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('Enter a valid email address');
    expect(screen.getByLabelText('City')).toHaveAccessibleDescription('Enter the city');
    expect(seen.intentBody).toBeUndefined();

    server.use(
      http.post(`${IDENTITY}/checkout/create-payment-intent`, () =>
        HttpResponse.json(
          { detail: [{ loc: ['body', 'GuestCreatePaymentIntentIn', 'shipping_address', 'country'], msg: 'Value error, not a country code', type: 'value_error' }] },
          { status: 422 },
        ),
      ),
    );
    await fillDetails();
    await user.click(screen.getByRole('button', { name: 'Review order' }));
    await waitFor(() => expect(screen.getByLabelText('Country')).toHaveAccessibleDescription('not a country code'));
  });

  it('asks a visitor without any cart to sign in', async () => {
    localStorage.clear();
    renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: [{ path: '/login', element: <p>Sign-in page</p> }] });
    expect(await screen.findByText('Sign-in page')).toBeInTheDocument();
  });
});
