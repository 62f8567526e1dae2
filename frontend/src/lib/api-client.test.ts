import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { ApiError, identityApi } from '@/lib/api-client';
import { useSessionStore } from '@/lib/session-store';
import { IDENTITY, server } from '@/test/server';
import { fakeToken } from '@/test/test-utils';

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('api client', () => {
  it('sends the bearer token of the session', async () => {
    let seen: string | null = null;
    server.use(
      http.get(`${IDENTITY}/auth/me`, ({ request }) => {
        seen = request.headers.get('authorization');
        return HttpResponse.json({ ok: true });
      }),
    );
    useSessionStore.getState().signIn(fakeToken(), 900);
    await identityApi.get('/auth/me');
    expect(seen).toBe(`Bearer ${fakeToken()}`);
  });

  it('sends an order token without the bearer token, which the service would read first', async () => {
    let seen: { authorization: string | null; orderToken: string | null } | null = null;
    server.use(
      http.get(`${IDENTITY}/orders/o-1`, ({ request }) => {
        seen = { authorization: request.headers.get('authorization'), orderToken: request.headers.get('x-order-token') };
        return HttpResponse.json({ ok: true });
      }),
    );
    useSessionStore.getState().signIn(fakeToken(), 900);
    await identityApi.get('/orders/o-1', { headers: { 'X-Order-Token': 'tok_abcdefghijklmnop' } });
    expect(seen).toEqual({ authorization: null, orderToken: 'tok_abcdefghijklmnop' });
  });

  it('maps FastAPI validation errors to fields', async () => {
    server.use(
      http.post(`${IDENTITY}/auth/signup`, () =>
        HttpResponse.json(
          { detail: [{ loc: ['body', 'password'], msg: 'String should have at least 8 characters', type: 'string_too_short' }] },
          { status: 422 },
        ),
      ),
    );
    const error = await failure(identityApi.post('/auth/signup', {}));
    expect(error.status).toBe(422);
    expect(error.fieldErrors.password).toBe('String should have at least 8 characters');
    expect(error.message).toBe('Please correct the highlighted fields.');
  });

  it('keeps nested field paths for list forms', async () => {
    server.use(
      http.post(`${IDENTITY}/x`, () =>
        HttpResponse.json({ detail: [{ loc: ['body', 'variants', 2, 'price'], msg: 'Value error, bad price' }] }, { status: 422 }),
      ),
    );
    const error = await failure(identityApi.post('/x', {}));
    expect(error.fieldErrors['variants.2.price']).toBe('bad price');
  });

  it('carries shortages of a 409', async () => {
    server.use(
      http.post(`${IDENTITY}/checkout/create-payment-intent`, () =>
        HttpResponse.json({ detail: 'Out of stock', shortages: [{ sku: 'A', requested: 2, available: 1 }] }, { status: 409 }),
      ),
    );
    const error = await failure(identityApi.post('/checkout/create-payment-intent', {}));
    expect(error.message).toBe('Out of stock');
    expect(error.shortages).toEqual([{ sku: 'A', requested: 2, available: 1 }]);
  });

  it('words a stopped service kindly and reads Retry-After', async () => {
    server.use(
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json({ detail: 'catalog down' }, { status: 503, headers: { 'Retry-After': '5' } })),
    );
    const error = await failure(identityApi.get('/cart'));
    expect(error.isUnavailable).toBe(true);
    expect(error.retryAfter).toBe(5);
    expect(error.message).toMatch(/temporarily unavailable/);
  });

  it('treats a network failure as unavailable', async () => {
    server.use(http.get(`${IDENTITY}/cart`, () => HttpResponse.error()));
    const error = await failure(identityApi.get('/cart'));
    expect(error.status).toBe(0);
    expect(error.isUnavailable).toBe(true);
  });

  it('never shows a server stack trace or 500 detail', async () => {
    server.use(http.get(`${IDENTITY}/cart`, () => HttpResponse.json({ detail: 'Traceback (most recent call last)' }, { status: 500 })));
    const error = await failure(identityApi.get('/cart'));
    expect(error.message).not.toMatch(/Traceback/);
  });

  it('signs out when the token is refused', async () => {
    server.use(http.get(`${IDENTITY}/cart`, () => HttpResponse.json({ detail: 'expired' }, { status: 401 })));
    useSessionStore.getState().signIn(fakeToken(), 900);
    await failure(identityApi.get('/cart'));
    expect(useSessionStore.getState().token).toBeNull();
  });
});
