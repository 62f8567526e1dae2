import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { Component as DashboardPage } from '@/app/routes/admin/dashboard';
import { CATALOG, IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

function bucket(start: string, orders: number, net: string) {
  return { start, orders, gross: net, discounts: '0.00', refunds: '0.00', net, average_order_value: orders ? net : '0.00' };
}

function report(from: string, to: string) {
  return {
    from,
    to,
    interval: 'day',
    time_zone: 'UTC',
    currency: 'USD',
    buckets: [bucket(from, 2, '57.00'), bucket(to, 1, '28.40')],
    totals: { start: from, orders: 3, gross: '102.20', discounts: '6.00', refunds: '10.80', net: '85.40', average_order_value: '32.07' },
  };
}

afterEach(() => vi.restoreAllMocks());

describe('admin dashboard', () => {
  it('shows the range figures computed by the reports API and asks again for a new range', async () => {
    signInAs('admin');
    const asked: string[] = [];
    server.use(
      http.get(`${IDENTITY}/admin/reports/sales`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        asked.push(`${params.get('from')}..${params.get('to')}/${params.get('interval')}`);
        return HttpResponse.json(report(params.get('from') ?? '', params.get('to') ?? ''));
      }),
      http.get(`${IDENTITY}/admin/reports/top-products`, () =>
        HttpResponse.json([{ sku: 'SKU-B', name: 'Lamp', units: 2, orders: 2, revenue: '60.00' }]),
      ),
      http.get(`${CATALOG}/admin/inventory`, () => HttpResponse.json({ items: [], total: 0, page: 1, page_size: 10 })),
    );
    renderWithRouter(<DashboardPage />);
    expect(await screen.findByTestId('total-net')).toHaveTextContent('$85.40');
    expect(screen.getByTestId('total-orders')).toHaveTextContent('3');
    expect(screen.getByTestId('total-refunds')).toHaveTextContent('$10.80');
    expect(screen.getByTestId('total-average_order_value')).toHaveTextContent('$32.07');
    expect(await screen.findByRole('table', { name: 'Best sellers' })).toHaveTextContent('Lamp (SKU-B)');

    const from = screen.getByLabelText('From');
    const to = screen.getByLabelText('To');
    await userEvent.clear(from);
    await userEvent.type(from, '2025-03-10');
    await userEvent.clear(to);
    await userEvent.type(to, '2025-03-11');
    await userEvent.selectOptions(screen.getByLabelText('Per'), 'week');
    await userEvent.click(screen.getByRole('button', { name: 'Show' }));
    await waitFor(() => expect(asked).toContain('2025-03-10..2025-03-11/week'));
    const table = screen.getByRole('table', { name: 'Sales per period' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
  });

  it('refuses a reversed range before asking', async () => {
    signInAs('admin');
    server.use(
      http.get(`${IDENTITY}/admin/reports/sales`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        return HttpResponse.json(report(params.get('from') ?? '', params.get('to') ?? ''));
      }),
      http.get(`${IDENTITY}/admin/reports/top-products`, () => HttpResponse.json([])),
      http.get(`${CATALOG}/admin/inventory`, () => HttpResponse.json({ items: [], total: 0, page: 1, page_size: 10 })),
    );
    renderWithRouter(<DashboardPage />);
    await screen.findByTestId('total-net');
    const from = screen.getByLabelText('From');
    await userEvent.clear(from);
    await userEvent.type(from, '2999-01-01');
    expect(screen.getByRole('alert')).toHaveTextContent('"From" must not be after "To".');
    expect(screen.getByRole('button', { name: 'Show' })).toBeDisabled();
  });

  it('downloads the range as the orders CSV with the bearer token', async () => {
    signInAs('admin');
    let authorized = false;
    let range = '';
    server.use(
      http.get(`${IDENTITY}/admin/reports/sales`, ({ request }) => {
        const params = new URL(request.url).searchParams;
        return HttpResponse.json(report(params.get('from') ?? '', params.get('to') ?? ''));
      }),
      http.get(`${IDENTITY}/admin/reports/top-products`, () => HttpResponse.json([])),
      http.get(`${CATALOG}/admin/inventory`, () => HttpResponse.json({ items: [], total: 0, page: 1, page_size: 10 })),
      http.get(`${IDENTITY}/admin/exports/orders.csv`, ({ request }) => {
        authorized = (request.headers.get('authorization') ?? '').startsWith('Bearer ');
        const params = new URL(request.url).searchParams;
        range = `${params.get('from')}..${params.get('to')}`;
        return new HttpResponse('number,total\r\nSO-1,10.00\r\n', { headers: { 'content-type': 'text/csv' } });
      }),
    );
    const createObjectURL = vi.fn(() => 'blob:orders');
    const revokeObjectURL = vi.fn();
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    renderWithRouter(<DashboardPage />);
    await screen.findByTestId('total-net');
    await userEvent.click(screen.getByRole('button', { name: 'Download orders CSV' }));
    await waitFor(() => expect(click).toHaveBeenCalled());
    expect(authorized).toBe(true);
    expect(range).toMatch(/^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/);
    expect(revokeObjectURL).toHaveBeenCalledWith('blob:orders');
  });
});
