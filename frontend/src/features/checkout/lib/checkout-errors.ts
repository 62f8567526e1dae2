import { describeStripeError } from '@/features/checkout/lib/stripe';
import { ApiError } from '@/lib/api-client';

/** A failed checkout call in words, shared by the account and the guest checkout. */
export function describeCheckoutError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.status === 409 && error.shortages.length) {
    const lines = error.shortages.map((s) => `${s.sku}: ${s.available} left, you asked for ${s.requested}`);
    return `Some items ran out while you were shopping (${lines.join('; ')}). Please update your cart.`;
  }
  if (error.status === 400) return error.message || 'Your cart is empty.';
  if (error.status === 402) {
    const code = (error.body as { decline_code?: string | null } | undefined)?.decline_code ?? undefined;
    return describeStripeError({ code, message: error.message || undefined });
  }
  return error.message;
}
