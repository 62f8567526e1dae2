import { describe, expect, it, vi } from 'vitest';

import { createPaymentMethodId, describeStripeError, type CardElement, type StripeClient } from '@/features/checkout/lib/stripe';

const card: CardElement = { mount: vi.fn(), unmount: vi.fn(), destroy: vi.fn(), on: vi.fn() };

function client(overrides: Partial<StripeClient>): StripeClient {
  return {
    elements: vi.fn(),
    createToken: vi.fn(),
    confirmCardPayment: vi.fn(),
    ...overrides,
  };
}

describe('payment methods from the card Element', () => {
  it('uses createPaymentMethod with real Stripe.js', async () => {
    const createToken = vi.fn();
    const stripe = client({ createPaymentMethod: vi.fn().mockResolvedValue({ paymentMethod: { id: 'pm_123' } }), createToken });
    await expect(createPaymentMethodId(stripe, card)).resolves.toEqual({ paymentMethodId: 'pm_123' });
    expect(createToken).not.toHaveBeenCalled();
  });

  it("shows Stripe's own validation message in words", async () => {
    const stripe = client({
      createPaymentMethod: vi.fn().mockResolvedValue({ error: { code: 'incorrect_number', message: 'Your card number is incorrect.' } }),
    });
    await expect(createPaymentMethodId(stripe, card)).resolves.toEqual({ error: 'Your card number is incorrect.' });
  });

  it('with localstripe, turns the tokenised test card into its Stripe test method', async () => {
    const createToken = vi.fn().mockResolvedValue({ token: { id: 'tok_1', card: { id: 'card_1', last4: '0002' } } });
    const stripe = client({ createPaymentMethod: vi.fn().mockResolvedValue(undefined), createToken });
    await expect(createPaymentMethodId(stripe, card)).resolves.toEqual({ paymentMethodId: 'pm_card_visa_chargeDeclined' });
    createToken.mockResolvedValue({ token: { id: 'tok_2', card: { id: 'card_2', last4: '4242' } } });
    await expect(createPaymentMethodId(stripe, card)).resolves.toEqual({ paymentMethodId: 'pm_card_visa' });
  });

  it('with localstripe, reports a card it refused', async () => {
    const stripe = client({ createToken: vi.fn().mockResolvedValue({ error: { message: 'Bad request', type: 'invalid_request_error' } }) });
    const result = await createPaymentMethodId(stripe, card);
    expect(result).toEqual({ error: expect.stringMatching(/incomplete or invalid/) as unknown });
  });

  it('words decline codes', () => {
    expect(describeStripeError({ code: 'card_declined' })).toMatch(/declined/);
    expect(describeStripeError({ decline_code: 'insufficient_funds', code: 'card_declined' })).toMatch(/insufficient funds/);
  });
});
