import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';

import { claimGuestOrders, forgetGuestOrder, guestOrderPath, guestOrders, rememberGuestOrder } from '@/lib/guest-orders';
import { useSessionStore } from '@/lib/session-store';
import { IDENTITY, server } from '@/test/server';
import { fakeToken } from '@/test/test-utils';

const mine = { orderId: 'o-1', token: 'token-one-0000000000', email: 'Grace@Example.com' };
const other = { orderId: 'o-2', token: 'token-two-0000000000', email: 'someone@example.com' };

describe('guest orders kept in this browser', () => {
  afterEach(() => localStorage.clear());

  it('remembers each order once and forgets it', () => {
    rememberGuestOrder(mine);
    rememberGuestOrder(other);
    rememberGuestOrder({ ...mine, token: 'token-one-replaced-00' });
    expect(guestOrders().map((o) => [o.orderId, o.token])).toEqual([
      ['o-2', 'token-two-0000000000'],
      ['o-1', 'token-one-replaced-00'],
    ]);
    forgetGuestOrder('o-2');
    expect(guestOrders().map((o) => o.orderId)).toEqual(['o-1']);
  });

  it('ignores a storage entry it cannot read', () => {
    localStorage.setItem('shop.guestOrders', '{not json');
    expect(guestOrders()).toEqual([]);
    localStorage.setItem('shop.guestOrders', JSON.stringify([{ orderId: 1 }, mine]));
    expect(guestOrders()).toEqual([mine]);
  });

  it('builds the order link the emails carry', () => {
    expect(guestOrderPath('o-1', 'tok_-A1')).toBe('/orders/o-1?token=tok_-A1');
    expect(guestOrderPath('o-1', 'tok_-A1', { placed: true })).toBe('/orders/o-1?token=tok_-A1&placed=1');
  });

  it('leaves the orders of an unverified account waiting, without asking the service', async () => {
    rememberGuestOrder(mine);
    const outcome = await claimGuestOrders({ email: 'grace@example.com', email_verified: false });
    expect(outcome).toEqual({ claimed: [], waiting: ['o-1'] });
    expect(guestOrders()).toEqual([mine]);
  });

  it('claims the orders of the verified email only, keeping one that failed for the next sign-in', async () => {
    useSessionStore.getState().signIn(fakeToken(), 900);
    const third = { orderId: 'o-3', token: 'token-three-00000000', email: 'grace@example.com' };
    rememberGuestOrder(mine);
    rememberGuestOrder(other);
    rememberGuestOrder(third);
    const asked: string[] = [];
    server.use(
      http.post(`${IDENTITY}/orders/claim`, async ({ request }) => {
        const { order_token } = (await request.json()) as { order_token: string };
        asked.push(order_token);
        if (order_token === third.token) return HttpResponse.json({ detail: 'Order not found' }, { status: 404 });
        return HttpResponse.json({});
      }),
    );
    const outcome = await claimGuestOrders({ email: 'grace@example.com', email_verified: true });
    expect(asked).toEqual([mine.token, third.token]);
    expect(outcome).toEqual({ claimed: ['o-1'], waiting: [] });
    expect(guestOrders().map((o) => o.orderId)).toEqual(['o-2', 'o-3']);
  });
});
