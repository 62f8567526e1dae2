import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { Component as PromotionsPage } from '@/app/routes/admin/promotions';
import { IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const promotion = {
  id: 'promo-1',
  code: 'SUMMER10',
  kind: 'percent',
  value: '10.00',
  min_subtotal: null,
  starts_at: null,
  ends_at: null,
  usage_limit: 100,
  per_customer_limit: null,
  active: true,
  times_used: 3,
  reserved: 1,
  created_at: '2026-12-01T10:00:00Z',
  updated_at: '2026-12-01T10:00:00Z',
};

describe('promotions page', () => {
  it('creates a code and deactivates one', async () => {
    signInAs('admin');
    let rows = [promotion];
    const posted: unknown[] = [];
    const deleted: string[] = [];
    server.use(
      http.get(`${IDENTITY}/admin/promotions`, () => HttpResponse.json(rows)),
      http.post(`${IDENTITY}/admin/promotions`, async ({ request }) => {
        const body = (await request.json()) as { code: string; kind: string; value: string };
        posted.push(body);
        const created = { ...promotion, id: 'promo-2', code: body.code.toUpperCase(), kind: body.kind, value: body.value, times_used: 0, reserved: 0 };
        rows = [created, ...rows];
        return HttpResponse.json(created, { status: 201 });
      }),
      http.delete(`${IDENTITY}/admin/promotions/:id`, ({ params }) => {
        deleted.push(String(params.id));
        rows = rows.map((r) => (r.id === params.id ? { ...r, active: false } : r));
        return HttpResponse.json(rows.find((r) => r.id === params.id));
      }),
    );
    renderWithRouter(<PromotionsPage />);
    expect(await screen.findByText('SUMMER10')).toBeInTheDocument();
    expect(screen.getByText('3 / 100')).toBeInTheDocument();

    await userEvent.type(screen.getByLabelText('Code'), 'take5');
    await userEvent.selectOptions(screen.getByLabelText('Kind'), 'fixed');
    await userEvent.type(screen.getByLabelText('Value'), '5.00');
    await userEvent.click(screen.getByRole('button', { name: 'Create code' }));
    expect(await screen.findByText('TAKE5')).toBeInTheDocument();
    expect(posted).toEqual([{ code: 'take5', kind: 'fixed', value: '5.00', active: true }]);

    await userEvent.click(screen.getByRole('button', { name: 'Deactivate SUMMER10' }));
    expect(await screen.findByText('inactive')).toBeInTheDocument();
    expect(deleted).toEqual(['promo-1']);
  });
});
