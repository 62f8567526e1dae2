import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { CartPage } from '@/app/routes/cart';
import { cart } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

describe('cart page', () => {
  it('flags lines whose stock ran out and holds back checkout', async () => {
    signInAs();
    server.use(http.get(`${IDENTITY}/cart`, () => HttpResponse.json(cart)));
    renderWithRouter(<CartPage />, { route: '/cart', path: '/cart' });
    const lines = await screen.findAllByTestId('cart-line');
    expect(lines).toHaveLength(2);
    expect(within(lines[1]!).getByText(/Out of stock/)).toBeInTheDocument();
    expect(within(lines[0]!).queryByText(/Out of stock/)).not.toBeInTheDocument();
    expect(screen.getByText('$2,897.00')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Checkout' })).not.toBeInTheDocument();
    expect(screen.getByText('Remove the out-of-stock items to check out.')).toBeInTheDocument();
  });

  it('changes a quantity and removes a line with toasts', async () => {
    signInAs();
    let current = structuredClone(cart);
    const calls: string[] = [];
    server.use(
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json(current)),
      http.put(`${IDENTITY}/cart/items/:id`, async ({ params, request }) => {
        const { quantity } = (await request.json()) as { quantity: number };
        calls.push(`put ${String(params.id)} ${quantity}`);
        current = { ...current, items: current.items.map((l) => (l.id === params.id ? { ...l, quantity, line_total: '1798.00' } : l)) };
        return HttpResponse.json(current.items[0]);
      }),
      http.delete(`${IDENTITY}/cart/items/:id`, ({ params }) => {
        calls.push(`delete ${String(params.id)}`);
        current = { ...current, items: current.items.filter((l) => l.id !== params.id), subtotal: '1798.00', item_count: 2 };
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderWithRouter(<CartPage />, { route: '/cart', path: '/cart' });
    const first = (await screen.findAllByTestId('cart-line'))[0]!;
    await userEvent.selectOptions(within(first).getByLabelText('Qty'), '2');
    expect(await screen.findByText('Laptop 13 8 GB Silver: quantity set to 2')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Remove Laptop 13 16 GB Silver from cart' }));
    expect(await screen.findByText('Laptop 13 16 GB Silver removed from your cart')).toBeInTheDocument();
    await waitFor(() => expect(screen.getAllByTestId('cart-line')).toHaveLength(1));
    expect(calls).toEqual(['put line-1 2', 'delete line-2']);
    expect(screen.getByRole('link', { name: 'Checkout' })).toBeInTheDocument();
  });

  it('shows the empty state', async () => {
    signInAs();
    server.use(http.get(`${IDENTITY}/cart`, () => HttpResponse.json({ items: [], subtotal: '0.00', currency: 'USD', item_count: 0, refreshed: true })));
    renderWithRouter(<CartPage />, { route: '/cart', path: '/cart' });
    expect(await screen.findByText('Your cart is empty')).toBeInTheDocument();
  });

  it('puts a removed line back when the server refuses', async () => {
    signInAs();
    server.use(
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json(cart)),
      http.delete(`${IDENTITY}/cart/items/:id`, () => HttpResponse.json({ detail: 'down' }, { status: 503 })),
    );
    renderWithRouter(<CartPage />, { route: '/cart', path: '/cart' });
    await screen.findAllByTestId('cart-line');
    await userEvent.click(screen.getByRole('button', { name: 'Remove Laptop 13 8 GB Silver from cart' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/temporarily unavailable/);
    await waitFor(() => expect(screen.getAllByTestId('cart-line')).toHaveLength(2));
  });
});

describe('promo code in the cart', () => {
  it('applies a code in any letter case, shows the discount and removes it', async () => {
    signInAs();
    let current: Record<string, unknown> = structuredClone(cart);
    const sent: string[] = [];
    server.use(
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json(current)),
      http.post(`${IDENTITY}/cart/promo`, async ({ request }) => {
        const { code } = (await request.json()) as { code: string };
        sent.push(code);
        current = { ...current, promo: { code: 'TAKE10', discount: '289.70', problem: null }, discount: '289.70', discounted_subtotal: '2607.30' };
        return HttpResponse.json(current);
      }),
      http.delete(`${IDENTITY}/cart/promo`, () => {
        current = { ...current, promo: null, discount: '0.00', discounted_subtotal: current.subtotal };
        return HttpResponse.json(current);
      }),
    );
    renderWithRouter(<CartPage />, { route: '/cart', path: '/cart' });
    await userEvent.type(await screen.findByLabelText('Promo code'), ' take10 ');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByTestId('discount-amount')).toHaveTextContent('$289.70');
    expect(screen.getByTestId('applied-promo')).toHaveTextContent('TAKE10');
    expect(sent).toEqual([' take10 '.trim()]);
    await userEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(screen.queryByTestId('discount-amount')).not.toBeInTheDocument());
  });

  it('says why a code was refused', async () => {
    signInAs();
    server.use(
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json(cart)),
      http.post(`${IDENTITY}/cart/promo`, () => HttpResponse.json({ detail: 'This promo code has expired', code: 'expired' }, { status: 409 })),
    );
    renderWithRouter(<CartPage />, { route: '/cart', path: '/cart' });
    await userEvent.type(await screen.findByLabelText('Promo code'), 'OLD');
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That code has expired.');
  });
});
