import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { Component as FailedEventsPage } from '@/app/routes/admin/events';
import { CATALOG, IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

const failed = {
  id: 'evt-1',
  event_type: 'ORDER_PAID',
  aggregate_id: 'order-1',
  status: 'failed',
  attempts: 8,
  next_attempt_at: '2026-11-21T07:00:00Z',
  last_error: 'notifications answered 503',
  created_at: '2026-11-21T06:00:00Z',
  sent_at: null,
  payload: {},
};

describe('failed events page', () => {
  it('lists failed events per service and queues one again', async () => {
    signInAs('admin');
    let identityFailed = [failed];
    const retried: string[] = [];
    server.use(
      http.get(`${IDENTITY}/admin/outbox`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('status')).toBe('failed');
        return HttpResponse.json({ items: identityFailed, total: identityFailed.length });
      }),
      http.get(`${CATALOG}/admin/outbox`, () => HttpResponse.json({ items: [], total: 0 })),
      http.post(`${IDENTITY}/admin/outbox/:id/retry`, ({ params }) => {
        retried.push(String(params.id));
        identityFailed = [];
        return HttpResponse.json({ ...failed, status: 'pending', attempts: 0 });
      }),
    );
    renderWithRouter(<FailedEventsPage />);
    const table = await screen.findByRole('table', { name: 'Failed events from identity-commerce' });
    expect(within(table).getByText('notifications answered 503')).toBeInTheDocument();
    expect(screen.getByText('Every event from this service was delivered.')).toBeInTheDocument();

    await userEvent.click(within(table).getByRole('button', { name: 'Retry ORDER_PAID order-1' }));
    expect(await screen.findByText('ORDER_PAID queued for delivery again')).toBeInTheDocument();
    expect(retried).toEqual(['evt-1']);
    await waitFor(() => expect(screen.getAllByText('No failed events')).toHaveLength(2));
  });
});
