import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';

import { OrderPage } from '@/app/routes/order';
import { guestOrders, rememberGuestOrder } from '@/lib/guest-orders';
import { paidOrder } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const ORDER_TOKEN = 'order-token-abcdefghijklmnop';
const guestPaid = { ...paidOrder, user_id: null };

/** Answers the guest order only to its token, like identity-commerce; records what was sent. */
function serveGuestOrder(seen: { authorization?: string | null; token?: string | null }) {
  server.use(
    http.get(`${IDENTITY}/orders/${paidOrder.id}`, ({ request }) => {
      seen.authorization = request.headers.get('authorization');
      seen.token = request.headers.get('x-order-token');
      if (seen.token !== ORDER_TOKEN) return HttpResponse.json({ detail: 'Order not found' }, { status: 404 });
      return HttpResponse.json(guestPaid);
    }),
  );
}

describe('guest order page', () => {
  afterEach(() => localStorage.clear());

  it('opens a guest order with its token and no sign-in, read-only', async () => {
    const seen: { authorization?: string | null; token?: string | null } = {};
    serveGuestOrder(seen);
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}?token=${ORDER_TOKEN}` });
    expect(await screen.findByRole('heading', { level: 1, name: 'Order SO-2026-000001' })).toBeInTheDocument();
    expect(seen).toEqual({ authorization: null, token: ORDER_TOKEN });
    expect(screen.getByTestId('order-status')).toHaveTextContent('Paid');
    expect(screen.queryByRole('button', { name: 'Cancel order' })).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Your orders' })).not.toBeInTheDocument();
  });

  it('says clearly that a wrong token opens no order', async () => {
    serveGuestOrder({});
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}?token=someone-elses-token-000` });
    expect(await screen.findByRole('heading', { level: 1, name: 'Order not found' })).toBeInTheDocument();
    expect(screen.getByText(/Check that you opened the whole link from your order email/)).toBeInTheDocument();
  });

  it('confirms a guest order with its number, its link and the offer of an account with that email', async () => {
    serveGuestOrder({});
    rememberGuestOrder({ orderId: paidOrder.id, token: ORDER_TOKEN, email: 'grace+shop@example.com' });
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}?token=${ORDER_TOKEN}&placed=1` });
    expect(await screen.findByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeInTheDocument();
    expect(screen.getByTestId('order-number')).toHaveTextContent('SO-2026-000001');
    expect(screen.getByText(/We have emailed a receipt to grace\+shop@example.com/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'this link to your order' })).toHaveAttribute('href', `/orders/${paidOrder.id}?token=${ORDER_TOKEN}`);
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/signup?email=grace%2Bshop%40example.com');
  });

  it('lets a signed-in shopper take the guest order into the account', async () => {
    signInAs();
    serveGuestOrder({});
    rememberGuestOrder({ orderId: paidOrder.id, token: ORDER_TOKEN, email: 'alice@example.com' });
    let claimed: unknown = null;
    server.use(
      http.post(`${IDENTITY}/orders/claim`, async ({ request }) => {
        claimed = await request.json();
        return HttpResponse.json({ ...paidOrder, user_id: 'user-1' });
      }),
    );
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}?token=${ORDER_TOKEN}` });
    await userEvent.click(await screen.findByRole('button', { name: 'Add this order to my account' }));
    expect(await screen.findByText(/This order is now in/)).toBeInTheDocument();
    expect(claimed).toEqual({ order_token: ORDER_TOKEN });
    expect(guestOrders()).toEqual([]);
  });

  it('explains that the email must be confirmed before claiming', async () => {
    signInAs();
    serveGuestOrder({});
    server.use(
      http.post(`${IDENTITY}/orders/claim`, () =>
        HttpResponse.json({ detail: 'Confirm your email address before claiming orders', code: 'email_not_verified' }, { status: 403 }),
      ),
    );
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}?token=${ORDER_TOKEN}` });
    await userEvent.click(await screen.findByRole('button', { name: 'Add this order to my account' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Confirm your email first');
  });

  it('sends a visitor without a token to sign in', async () => {
    renderWithRouter(<OrderPage />, {
      route: '/orders/:id',
      path: `/orders/${paidOrder.id}`,
      routes: [{ path: '/login', element: <p>Sign-in page</p> }],
    });
    expect(await screen.findByText('Sign-in page')).toBeInTheDocument();
  });
});
