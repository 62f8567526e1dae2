import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { LowStockTable } from '@/features/admin/components/low-stock-table';
import { CATALOG, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const level = (sku: string, available: number) => ({
  sku,
  on_hand: available,
  reserved: 0,
  available,
  reorder_level: 5,
  product_id: `p-${sku}`,
  product_name: `Product ${sku}`,
  variant_name: 'Default',
});

describe('low-stock list', () => {
  it("shows the catalog's low-stock list, shortened on the dashboard", async () => {
    signInAs('admin');
    server.use(
      http.get(`${CATALOG}/admin/inventory`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('low_stock')).toBe('true');
        return HttpResponse.json({ items: [level('A', 0), level('B', 2), level('C', 4)], total: 3, page: 1, page_size: 100 });
      }),
    );
    renderWithRouter(<LowStockTable limit={2} />);
    const table = await screen.findByRole('table', { name: 'Low stock' });
    expect(within(table).getAllByRole('row')).toHaveLength(3); // header + 2
    expect(within(table).getByText('Sold out')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '1 more running low: see the inventory page' })).toHaveAttribute('href', '/admin/inventory');
  });

  it('falls back to LOW_STOCK events, re-checked against current stock, on an older catalog', async () => {
    signInAs('admin');
    const event = (sku: string) => ({
      id: `e-${sku}`,
      event_type: 'LOW_STOCK',
      aggregate_id: sku,
      status: 'sent',
      attempts: 1,
      next_attempt_at: null,
      last_error: null,
      created_at: '2026-11-21T07:00:00Z',
      sent_at: null,
      payload: { data: { sku, product_id: `p-${sku}`, product_name: `Product ${sku}` } },
    });
    server.use(
      http.get(`${CATALOG}/admin/inventory`, () => HttpResponse.json({ detail: 'Not Found' }, { status: 404 })),
      http.get(`${CATALOG}/admin/outbox`, () => HttpResponse.json({ items: [event('LOW'), event('RESTOCKED')], total: 2 })),
      http.get(`${CATALOG}/inventory/:sku`, ({ params }) =>
        HttpResponse.json(params.sku === 'LOW' ? level('LOW', 1) : level('RESTOCKED', 40)),
      ),
    );
    renderWithRouter(<LowStockTable />);
    const table = await screen.findByRole('table', { name: 'Low stock' });
    expect(within(table).getByText('LOW')).toBeInTheDocument();
    expect(within(table).queryByText('RESTOCKED')).not.toBeInTheDocument();
  });
});
