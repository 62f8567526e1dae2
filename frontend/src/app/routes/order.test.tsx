import { screen } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { OrderPage } from '@/app/routes/order';
import { paidOrder } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

describe('order page', () => {
  it('shows a shipped order with its tracking number and timeline', async () => {
    signInAs();
    const shipped = {
      ...paidOrder,
      status: 'shipped',
      fulfillment: { carrier: 'UPS', tracking_number: '1Z999', tracking_url: null, status: 'shipped', shipped_at: '2026-11-21T08:00:00Z', delivered_at: null },
      timeline: [...paidOrder.timeline, { status: 'shipped', at: '2026-11-21T08:00:00Z', note: 'UPS 1Z999' }],
    };
    server.use(http.get(`${IDENTITY}/orders/${paidOrder.id}`, () => HttpResponse.json(shipped)));
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}` });
    expect(await screen.findByRole('heading', { level: 1, name: 'Order SO-2026-000001' })).toBeInTheDocument();
    expect(screen.getByTestId('order-status')).toHaveTextContent('Shipped');
    expect(screen.getByTestId('tracking-number')).toHaveTextContent('1Z999');
    expect(screen.getByTestId('carrier')).toHaveTextContent('UPS');
    expect(screen.getByRole('list', { name: 'Order timeline' }).children).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Cancel order' })).not.toBeInTheDocument();
  });

  it('doubles as the confirmation page right after paying', async () => {
    signInAs();
    server.use(http.get(`${IDENTITY}/orders/${paidOrder.id}`, () => HttpResponse.json(paidOrder)));
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}?placed=1` });
    expect(await screen.findByRole('heading', { level: 1, name: 'Thank you for your order!' })).toBeInTheDocument();
    expect(screen.getByTestId('order-status')).toHaveTextContent('Paid');
    expect(screen.getByTestId('order-total')).toHaveTextContent('$970.92');
    expect(screen.getByRole('button', { name: 'Cancel order' })).toBeInTheDocument();
  });

  it('says not found for an order that is not yours', async () => {
    signInAs();
    server.use(http.get(`${IDENTITY}/orders/${paidOrder.id}`, () => HttpResponse.json({ detail: 'No such order, or not yours' }, { status: 404 })));
    renderWithRouter(<OrderPage />, { route: '/orders/:id', path: `/orders/${paidOrder.id}` });
    expect(await screen.findByText('No such order, or not yours')).toBeInTheDocument();
  });
});
