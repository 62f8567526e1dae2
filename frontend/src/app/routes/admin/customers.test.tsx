import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { Component as CustomerPage } from '@/app/routes/admin/customer';
import { Component as CustomersPage } from '@/app/routes/admin/customers';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const zelda = {
  id: 'cust-1',
  email: 'zelda@example.com',
  first_name: 'Zelda',
  last_name: 'Quokka',
  role: 'customer',
  permissions: [] as string[],
  active: true,
  email_verified: true,
  created_at: '2026-11-01T10:00:00Z',
  last_login_at: null,
  order_count: 2,
  total_spent: '45.00',
  last_order_at: '2026-11-20T10:00:00Z',
};
const detail = {
  ...zelda,
  phone: null,
  addresses: [
    {
      id: 'addr-1',
      kind: 'shipping',
      full_name: 'Zelda Quokka',
      line1: '1 Road',
      line2: null,
      city: 'Town',
      state: null,
      postal_code: '12345',
      country: 'US',
      phone: null,
      is_default: true,
    },
  ],
  orders: [
    { id: 'order-1', number: 'SO-2026-000001', status: 'paid', total: '30.00', currency: 'USD', item_count: 1, created_at: '2026-11-20T10:00:00Z', customer_email: 'zelda@example.com' },
  ],
};

describe('admin customers', () => {
  it('searches by email or name and shows each account with its figures', async () => {
    signInAs('admin');
    const searched: (string | null)[] = [];
    server.use(
      http.get(`${IDENTITY}/admin/customers`, ({ request }) => {
        const q = new URL(request.url).searchParams.get('q');
        searched.push(q);
        const items = q === null || q === 'quokka' ? [zelda] : [];
        return HttpResponse.json({ items, total: items.length, page: 1, page_size: 20 });
      }),
    );
    renderWithRouter(<CustomersPage />, { route: '/admin/customers', path: '/admin/customers' });
    const table = await screen.findByRole('table', { name: 'Customers' });
    const row = within(table).getByTestId('admin-customer-row');
    expect(within(row).getByRole('link', { name: 'Zelda Quokka' })).toHaveAttribute('href', '/admin/customers/cust-1');
    expect(within(row).getByText('$45.00')).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Email or name'), 'nobody');
    await userEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('No customers match')).toBeInTheDocument();
    expect(searched).toEqual([null, 'nobody']);
  });

  it('shows addresses and orders, disables the account and grants a staff role', async () => {
    signInAs('admin');
    let current = { ...detail };
    const calls: { path: string; body: unknown }[] = [];
    server.use(
      http.get(`${IDENTITY}/admin/customers/cust-1`, () => HttpResponse.json(current)),
      http.post(`${IDENTITY}/admin/customers/cust-1/disable`, () => {
        calls.push({ path: 'disable', body: null });
        current = { ...current, active: false };
        return HttpResponse.json(current);
      }),
      http.put(`${IDENTITY}/admin/customers/cust-1/role`, async ({ request }) => {
        const body = (await request.json()) as { role: string; permissions: string[] };
        calls.push({ path: 'role', body });
        current = { ...current, role: body.role, permissions: body.permissions };
        return HttpResponse.json(current);
      }),
    );
    renderWithRouter(<CustomerPage />, { route: '/admin/customers/:id', path: '/admin/customers/cust-1' });
    expect(await screen.findByText(/1 Road/)).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Customer orders' })).toHaveTextContent('$30.00');

    await userEvent.click(screen.getByRole('button', { name: 'Disable account' }));
    expect(await screen.findByText('This account is disabled: it cannot sign in.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enable account' })).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByLabelText('Role'), 'staff');
    await userEvent.click(screen.getByLabelText('reports'));
    await userEvent.click(screen.getByLabelText('orders'));
    await userEvent.click(screen.getByRole('button', { name: 'Save role' }));
    await waitFor(() => expect(calls.map((c) => c.path)).toEqual(['disable', 'role']));
    expect(calls[1]?.body).toEqual({ role: 'staff', permissions: ['reports', 'orders'] });
  });
});
