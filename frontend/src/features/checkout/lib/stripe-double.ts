/** Test double only: the component tests of both checkouts install it as window.Stripe. */
import { vi } from 'vitest';

import type { CardElement, StripeClient } from '@/features/checkout/lib/stripe';

/** A Stripe.js double with localstripe's shape: a card Element and createToken (no createPaymentMethod). */
export function installStripe(last4: () => string) {
  const card: CardElement = {
    mount: (target) => {
      const input = document.createElement('input');
      input.placeholder = 'number';
      (target as HTMLElement).appendChild(input);
    },
    unmount: vi.fn(),
    destroy: vi.fn(),
    on: vi.fn(),
  };
  const stripe: StripeClient = {
    elements: () => ({ create: () => card }),
    createToken: () => Promise.resolve({ token: { id: 'tok_1', card: { id: 'card_1', last4: last4() } } }),
    confirmCardPayment: vi.fn(),
  };
  window.Stripe = () => stripe;
}
