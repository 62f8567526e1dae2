import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { OrderStatusForm } from '@/features/admin/components/order-status-form';
import { adminOrderSchema } from '@/lib/api-schemas/identity-commerce';
import { paidOrder } from '@/test/fixtures';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const order = adminOrderSchema.parse({ ...paidOrder, customer_email: 'alice@example.com', customer_name: 'Alice Doe' });

describe('admin order status form', () => {
  it('asks for carrier and tracking number before shipping', async () => {
    signInAs('admin');
    let sent: unknown = null;
    server.use(
      http.post(`${IDENTITY}/admin/orders/${order.id}/status`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ ...paidOrder, status: 'shipped', customer_email: 'alice@example.com' });
      }),
    );
    renderWithRouter(<OrderStatusForm order={{ ...order, status: 'processing' }} />);
    await userEvent.selectOptions(screen.getByLabelText('New status'), 'shipped');
    await userEvent.click(screen.getByRole('button', { name: 'Update status' }));
    expect(screen.getByLabelText('Tracking number')).toHaveAccessibleDescription('Enter the tracking number');
    expect(sent).toBeNull();

    await userEvent.type(screen.getByLabelText('Tracking number'), '1Z999AA10123456784');
    await userEvent.click(screen.getByRole('button', { name: 'Update status' }));
    await waitFor(() => expect(sent).toEqual({ status: 'shipped', carrier: 'UPS', tracking_number: '1Z999AA10123456784' }));
    expect(await screen.findByText('Order is now shipped')).toBeInTheDocument();
  });

  it('offers only the moves the order state machine allows', () => {
    renderWithRouter(<OrderStatusForm order={order} />);
    const options = Array.from(screen.getByLabelText<HTMLSelectElement>('New status').options).map((o) => o.value);
    expect(options).toEqual(['processing', 'cancelled', 'refunded']);
  });

  it('shows a refused transition in words', async () => {
    signInAs('admin');
    server.use(
      http.post(`${IDENTITY}/admin/orders/${order.id}/status`, () =>
        HttpResponse.json({ detail: 'Cannot go from paid to processing' }, { status: 409 }),
      ),
    );
    renderWithRouter(<OrderStatusForm order={order} />);
    await userEvent.click(screen.getByRole('button', { name: 'Update status' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Not allowed from paid: Cannot go from paid to processing');
  });

  it('offers nothing for a closed order', () => {
    renderWithRouter(<OrderStatusForm order={{ ...order, status: 'refunded' }} />);
    expect(screen.getByText(/nothing more to do/)).toBeInTheDocument();
  });
});
