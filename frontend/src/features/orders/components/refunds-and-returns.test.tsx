import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { RefundsAndReturns } from '@/features/orders/components/refunds-and-returns';
import { ReturnItemsForm } from '@/features/orders/components/return-items-form';
import { orderSchema } from '@/lib/api-schemas/identity-commerce';
import { paidOrder } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const delivered = {
  ...paidOrder,
  status: 'delivered',
  items: [{ ...paidOrder.items[0], quantity: 2, line_total: '1798.00' }],
  timeline: [...paidOrder.timeline, { status: 'delivered', at: '2026-11-22T10:00:00Z', note: null }],
};
const refund = {
  id: 're_1',
  amount: '970.92',
  status: 'succeeded',
  reason: 'Return received: too small',
  lines: [{ sku: 'LAP-13-8-SIL', name: 'Laptop 13 8 GB Silver', quantity: 1, amount: '970.92' }],
  shipping_amount: '0.00',
  restock: true,
  created_at: '2026-11-23T10:00:00Z',
};
const received = {
  id: '33333333-3333-3333-3333-333333333333',
  order_id: paidOrder.id,
  status: 'received',
  reason: 'too small',
  lines: [{ sku: 'LAP-13-8-SIL', name: 'Laptop 13 8 GB Silver', quantity: 1 }],
  note: null,
  created_at: '2026-11-22T11:00:00Z',
  updated_at: '2026-11-23T10:00:00Z',
};

describe('refunds and returns on the order page', () => {
  it('shows each refund with its lines and each return with its status', () => {
    const order = orderSchema.parse({
      ...delivered,
      status: 'partially_refunded',
      payment: { ...delivered.payment, refunded_amount: '970.92', refunds: [refund] },
      returns: [received],
    });
    renderWithRouter(<RefundsAndReturns order={order} />);
    expect(screen.getByTestId('refunds')).toHaveTextContent('$970.92');
    expect(screen.getByTestId('refunds')).toHaveTextContent('1 × Laptop 13 8 GB Silver (LAP-13-8-SIL): $970.92');
    expect(screen.getByTestId('returns')).toHaveTextContent('Received and refunded');
  });

  it('lets the shopper return units of a delivered order', async () => {
    signInAs('customer');
    let sent: unknown = null;
    server.use(
      http.post(`${IDENTITY}/orders/${paidOrder.id}/returns`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ ...received, status: 'requested' }, { status: 201 });
      }),
    );
    renderWithRouter(<ReturnItemsForm order={orderSchema.parse(delivered)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Return items' }));
    const units = screen.getByLabelText('Laptop 13 8 GB Silver: units to return (up to 2)');
    await userEvent.clear(units);
    await userEvent.type(units, '1');
    await userEvent.type(screen.getByLabelText('Why are you returning it?'), 'too small');
    await userEvent.click(screen.getByRole('button', { name: 'Request return' }));
    await waitFor(() => expect(sent).toEqual({ lines: [{ sku: 'LAP-13-8-SIL', quantity: 1 }], reason: 'too small' }));
  });

  it('offers no return before delivery or when every unit is refunded or returned', () => {
    const { unmount } = renderWithRouter(<ReturnItemsForm order={orderSchema.parse(paidOrder)} />);
    expect(screen.queryByRole('button', { name: 'Return items' })).not.toBeInTheDocument();
    unmount();
    const allTaken = orderSchema.parse({
      ...delivered,
      status: 'partially_refunded',
      payment: { ...delivered.payment, refunds: [refund] },
      returns: [{ ...received, status: 'approved' }],
    });
    renderWithRouter(<ReturnItemsForm order={allTaken} />);
    expect(screen.queryByRole('button', { name: 'Return items' })).not.toBeInTheDocument();
  });
});
