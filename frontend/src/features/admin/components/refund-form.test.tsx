import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { RefundForm } from '@/features/admin/components/refund-form';
import { refundableUnits } from '@/features/admin/lib/refunds';
import { adminOrderSchema } from '@/lib/api-schemas/identity-commerce';
import { paidOrder } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const twoLines = {
  ...paidOrder,
  customer_email: 'alice@example.com',
  items: [
    ...paidOrder.items,
    { sku: 'MUG-BLUE', product_id: null, name: 'Blue mug', quantity: 3, unit_price: '10.00', line_total: '30.00' },
  ],
};
const order = adminOrderSchema.parse(twoLines);
const refund = {
  id: 're_1',
  amount: '10.80',
  status: 'succeeded',
  reason: 'broken',
  lines: [{ sku: 'MUG-BLUE', name: 'Blue mug', quantity: 1, amount: '10.80' }],
  shipping_amount: '0.00',
  restock: true,
  created_at: '2026-11-21T10:00:00Z',
};

describe('admin refund form', () => {
  it('sends the chosen lines with restock and an Idempotency-Key', async () => {
    signInAs('admin');
    let sent: unknown = null;
    let key: string | null = null;
    server.use(
      http.post(`${IDENTITY}/admin/orders/${order.id}/refunds`, async ({ request }) => {
        sent = await request.json();
        key = request.headers.get('Idempotency-Key');
        return HttpResponse.json(
          { refund, order: { ...twoLines, status: 'partially_refunded', payment: { ...twoLines.payment, refunds: [refund] } } },
          { status: 201 },
        );
      }),
    );
    renderWithRouter(<RefundForm order={order} />);
    await userEvent.click(screen.getByRole('button', { name: 'Refund items' }));
    await userEvent.clear(screen.getByLabelText('Units of MUG-BLUE to refund'));
    await userEvent.type(screen.getByLabelText('Units of MUG-BLUE to refund'), '1');
    await userEvent.type(screen.getByLabelText('Reason'), 'broken');
    await userEvent.click(screen.getByRole('button', { name: 'Refund' }));
    await waitFor(() =>
      expect(sent).toEqual({ lines: [{ sku: 'MUG-BLUE', quantity: 1 }], restock: true, include_shipping: false, reason: 'broken' }),
    );
    expect(key).toMatch(/^refund-/);
    expect(await screen.findByText('Refunded $10.80')).toBeInTheDocument();
  });

  it('asks for something to refund before calling the service', async () => {
    renderWithRouter(<RefundForm order={order} />);
    await userEvent.click(screen.getByRole('button', { name: 'Refund items' }));
    await userEvent.click(screen.getByRole('button', { name: 'Refund' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose at least one item or the shipping');
  });

  it('counts the units earlier refunds took', () => {
    const refunded = adminOrderSchema.parse({ ...twoLines, payment: { ...twoLines.payment, refunds: [refund] } });
    expect(refundableUnits(refunded)).toEqual({ 'LAP-13-8-SIL': 1, 'MUG-BLUE': 2 });
  });

  it('is not offered for an order that was never paid', () => {
    renderWithRouter(<RefundForm order={{ ...order, status: 'pending_payment' }} />);
    expect(screen.queryByRole('button', { name: 'Refund items' })).not.toBeInTheDocument();
  });
});
