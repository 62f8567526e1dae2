/**
 * Stripe.js, loaded from VITE_STRIPE_JS_URL: the real https://js.stripe.com/v3/ in production,
 * localstripe's stand-in (same global `Stripe`, card Element, createToken, confirmCardPayment)
 * in dev and tests. Only the calls the checkout needs are typed here.
 */
import { env } from '@/lib/env';

export interface StripeError {
  message?: string;
  code?: string;
  decline_code?: string;
  type?: string;
}

export interface CardElement {
  mount(target: HTMLElement | string): void;
  unmount(): void;
  destroy(): void;
  on(event: 'change', handler: (event?: { complete?: boolean; error?: StripeError }) => void): void;
}

export interface StripeClient {
  elements(options?: Record<string, unknown>): {
    create(type: 'card', options?: Record<string, unknown>): CardElement;
  };
  createPaymentMethod?(params: { type: 'card'; card: CardElement; billing_details?: Record<string, unknown> }): Promise<
    { paymentMethod?: { id: string }; error?: StripeError } | undefined
  >;
  createToken(element: CardElement): Promise<{ token?: { id: string; card?: { id: string; last4?: string } }; error?: StripeError }>;
  confirmCardPayment(clientSecret: string, data?: Record<string, unknown>): Promise<{ paymentIntent?: { id: string; status: string }; error?: StripeError }>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeClient;
  }
}

let loading: Promise<StripeClient> | null = null;

export function loadStripe(url = env.stripeJsUrl, publishableKey = env.stripePublishableKey): Promise<StripeClient> {
  if (loading) return loading;
  loading = new Promise<StripeClient>((resolve, reject) => {
    const ready = () => {
      if (window.Stripe) resolve(window.Stripe(publishableKey));
      else reject(new Error('The payment form did not load.'));
    };
    if (window.Stripe) {
      ready();
      return;
    }
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = ready;
    script.onerror = () => reject(new Error('The payment form could not be loaded. Check your connection and try again.'));
    document.head.appendChild(script);
  }).catch((error: unknown) => {
    // Allow a retry after a failed load instead of caching the failure forever.
    loading = null;
    throw error;
  });
  return loading;
}

/** Stripe's words for common decline codes, so shoppers read what happened and what to do. */
const declineWords: Record<string, string> = {
  card_declined: 'Your card was declined. Please use another card or contact your bank.',
  insufficient_funds: 'Your card has insufficient funds. Please use another card.',
  expired_card: 'Your card has expired. Please use another card.',
  incorrect_cvc: "Your card's security code is incorrect.",
  incorrect_number: 'Your card number is incorrect.',
  invalid_number: 'Your card number is not valid.',
  invalid_expiry_year: "Your card's expiry year is not valid.",
  invalid_expiry_month: "Your card's expiry month is not valid.",
  processing_error: 'We could not process your card. Please try again.',
  payment_intent_authentication_failure: 'Your bank did not confirm the payment. Please try again or use another card.',
};

export function describeStripeError(error: StripeError | undefined): string {
  if (!error) return 'Your card could not be used. Please check the details and try again.';
  const code = error.decline_code ?? error.code;
  if (code && declineWords[code]) return declineWords[code];
  if (error.message && error.message !== 'Bad request') return error.message;
  return 'Your card details look incomplete or invalid. Please check the number, expiry date and security code.';
}

/**
 * localstripe's Stripe.js has no createPaymentMethod, and the shop's server accepts only
 * PaymentMethod ids (pm_...). For the stand-in only, the card typed into the Element is
 * tokenised by localstripe (which checks number, expiry and CVC) and then sent as Stripe's
 * documented test payment method for that test card; the server confirms it with localstripe,
 * which approves or declines it for real. Real Stripe.js never takes this path.
 */
export const standInTestMethods: Record<string, string> = {
  '4242': 'pm_card_visa',
  '4444': 'pm_card_mastercard',
  '0002': 'pm_card_visa_chargeDeclined',
  '0341': 'pm_card_chargeCustomerFail',
  '3155': 'pm_card_authenticationRequired',
  '3184': 'pm_card_threeDSecure2Required',
};

export type PaymentMethodResult = { paymentMethodId: string } | { error: string };

/** Turns the card typed into the Element into a payment method id for the server to confirm. */
export async function createPaymentMethodId(
  stripe: StripeClient,
  card: CardElement,
  billingDetails?: Record<string, unknown>,
): Promise<PaymentMethodResult> {
  const viaMethods = await stripe.createPaymentMethod?.({ type: 'card', card, billing_details: billingDetails });
  if (viaMethods?.paymentMethod) return { paymentMethodId: viaMethods.paymentMethod.id };
  if (viaMethods?.error) return { error: describeStripeError(viaMethods.error) };

  // localstripe's stand-in (see standInTestMethods).
  let tokenResult: Awaited<ReturnType<StripeClient['createToken']>>;
  try {
    tokenResult = await stripe.createToken(card);
  } catch {
    return { error: describeStripeError(undefined) };
  }
  const last4 = tokenResult.token?.card?.last4;
  if (!last4) return { error: describeStripeError(tokenResult.error) };
  const testMethod = standInTestMethods[last4];
  if (!testMethod) {
    return { error: 'The local payment stand-in only knows Stripe\'s test cards, such as 4242 4242 4242 4242.' };
  }
  return { paymentMethodId: testMethod };
}
