import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CheckoutPage } from '@/app/routes/checkout';
import { address, cart, paidOrder } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { installStripe } from '@/features/checkout/lib/stripe-double';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const buyableCart = { ...cart, items: [cart.items[0]!], subtotal: '899.00', item_count: 1 };
const pendingOrder = { ...paidOrder, status: 'pending_payment', payment: { ...paidOrder.payment, status: 'requires_payment_method' } };

describe('checkout', () => {
  let keys: string[];
  let confirmBodies: unknown[];
  let cardLast4 = '4242';

  beforeEach(() => {
    keys = [];
    confirmBodies = [];
    cardLast4 = '4242';
    installStripe(() => cardLast4);
    signInAs();
    server.use(
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json(buyableCart)),
      http.get(`${IDENTITY}/addresses`, () => HttpResponse.json([address])),
      // No method configured: the settings' flat rule, which checkout picks without an id.
      http.get(`${IDENTITY}/checkout/shipping-methods`, () =>
        HttpResponse.json([{ id: null, name: 'Standard', price: '0.00', regular_price: '9.99', free_over: '100.00', delivery_estimate: null }]),
      ),
      http.post(`${IDENTITY}/checkout/create-payment-intent`, async ({ request }) => {
        keys.push(request.headers.get('idempotency-key') ?? '');
        expect(await request.json()).toEqual({ shipping_address_id: 'addr-1', billing_address_id: 'addr-1' });
        return HttpResponse.json(
          {
            order_id: paidOrder.id,
            order_number: paidOrder.number,
            payment_intent_id: 'pi_1',
            client_secret: 'pi_1_secret_x',
            amount: '970.92',
            currency: 'USD',
            status: 'pending_payment',
            reservation_expires_at: '2026-11-20T10:15:00Z',
            publishable_key: 'pk_test',
          },
          { status: 201 },
        );
      }),
      http.get(`${IDENTITY}/orders/${paidOrder.id}`, () => HttpResponse.json(pendingOrder)),
      http.post(`${IDENTITY}/checkout/confirm`, async ({ request }) => {
        const body = (await request.json()) as { payment_method_id: string };
        confirmBodies.push(body);
        if (body.payment_method_id === 'pm_card_visa_chargeDeclined') {
          return HttpResponse.json(
            { detail: 'Your card was declined.', order_id: paidOrder.id, status: 'payment_failed', decline_code: 'card_declined' },
            { status: 402 },
          );
        }
        return HttpResponse.json(paidOrder);
      }),
    );
  });

  afterEach(() => {
    delete window.Stripe;
  });

  const orderRoute = [{ path: '/orders/:id', element: <p>Order confirmation page</p> }];

  it('shows shipping and tax before paying, then pays and opens the confirmation', async () => {
    renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: orderRoute });
    expect(await screen.findByText(/1 Main St/)).toBeInTheDocument();
    expect(screen.getByTestId('tax-amount')).toHaveTextContent('Calculated at checkout');

    await userEvent.click(screen.getByRole('button', { name: 'Review order' }));
    expect(await screen.findByTestId('tax-amount')).toHaveTextContent('$71.92');
    expect(screen.getByTestId('shipping-amount')).toHaveTextContent('Free');
    expect(screen.getByTestId('order-total')).toHaveTextContent('$970.92');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/.{8,}/);

    await waitFor(() => expect(screen.getByPlaceholderText('number')).toBeInTheDocument());
    await userEvent.click(screen.getByRole('button', { name: 'Pay $970.92' }));
    expect(await screen.findByText('Order confirmation page')).toBeInTheDocument();
    expect(confirmBodies).toEqual([{ order_id: paidOrder.id, payment_method_id: 'pm_card_visa' }]);
  });

  it('words a declined card, keeps the cart and prepares a new order for the next card', async () => {
    cardLast4 = '0002';
    renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: orderRoute });
    await userEvent.click(await screen.findByRole('button', { name: 'Review order' }));
    await waitFor(() => expect(screen.getByPlaceholderText('number')).toBeInTheDocument());
    await userEvent.click(screen.getByRole('button', { name: 'Pay $970.92' }));

    expect(await screen.findByTestId('payment-error')).toHaveTextContent('Your card was declined. Please use another card or contact your bank.');
    // A fresh order (new idempotency key) is prepared so another card can be tried at once.
    await waitFor(() => expect(keys).toHaveLength(2));
    expect(keys[1]).not.toBe(keys[0]);
    expect(await screen.findByRole('button', { name: 'Pay $970.92' })).toBeInTheDocument();
    expect(screen.getByTestId('payment-error')).toBeInTheDocument();
  });

  it('explains items that ran out while shopping', async () => {
    server.use(
      http.post(`${IDENTITY}/checkout/create-payment-intent`, () =>
        HttpResponse.json({ detail: 'Not enough stock', shortages: [{ sku: 'LAP-13-8-SIL', requested: 1, available: 0 }] }, { status: 409 }),
      ),
    );
    renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: orderRoute });
    await userEvent.click(await screen.findByRole('button', { name: 'Review order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('LAP-13-8-SIL: 0 left, you asked for 1');
  });

  it('offers the shipping methods for the address and sends the one chosen', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.get(`${IDENTITY}/checkout/shipping-methods`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('country')).toBe(address.country);
        return HttpResponse.json([
          { id: 'm-standard', name: 'Standard', price: '0.00', regular_price: '9.99', free_over: '100.00', delivery_estimate: '3-5 business days' },
          { id: 'm-express', name: 'Express', price: '19.99', regular_price: '19.99', free_over: null, delivery_estimate: '1-2 business days' },
        ]);
      }),
      http.post(`${IDENTITY}/checkout/create-payment-intent`, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json(
          { order_id: paidOrder.id, order_number: paidOrder.number, payment_intent_id: 'pi_2', client_secret: 'pi_2_secret_x', amount: '990.91', currency: 'USD', status: 'pending_payment', publishable_key: 'pk_test' },
          { status: 201 },
        );
      }),
      http.get(`${IDENTITY}/orders/${paidOrder.id}`, () =>
        HttpResponse.json({ ...pendingOrder, shipping: '19.99', shipping_method: 'Express', discount: '0.00', promo_code: null }),
      ),
    );
    renderWithRouter(<CheckoutPage />, { route: '/checkout', path: '/checkout', routes: orderRoute });
    expect(await screen.findByText('Free')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('radio', { name: /Express/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Review order' }));
    expect(await screen.findByText('Shipping (Express)')).toBeInTheDocument();
    expect(bodies).toEqual([{ shipping_address_id: 'addr-1', billing_address_id: 'addr-1', shipping_method_id: 'm-express' }]);
  });
});
