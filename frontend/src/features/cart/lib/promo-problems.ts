import { ApiError } from '@/lib/api-client';

/** What each refusal `code` of POST /cart/promo (and of checkout) means to a shopper. */
export const promoProblems: Record<string, string> = {
  unknown_promo_code: 'That code does not exist.',
  inactive: 'That code is no longer active.',
  not_started: 'That code cannot be used yet.',
  expired: 'That code has expired.',
  below_minimum: 'Your cart is below the minimum for that code.',
  used_up: 'That code has been used up.',
  per_customer_limit: 'You have already used that code.',
  promo_rate_limited: 'Too many codes tried; try again later.',
};

export function describePromoError(error: unknown): string {
  if (error instanceof ApiError) {
    const code = (error.body as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && promoProblems[code]) return promoProblems[code];
    return error.message;
  }
  return 'The code could not be applied; try again.';
}
