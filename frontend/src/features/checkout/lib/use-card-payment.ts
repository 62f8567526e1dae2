import { useRef, useState, type FormEvent } from 'react';

import { toast } from '@/components/ui/toast-store';
import { useConfirmCheckout } from '@/features/checkout/api/checkout-api';
import { describeCheckoutError } from '@/features/checkout/lib/checkout-errors';
import { createPaymentMethodId, describeStripeError, type CardElement, type StripeClient } from '@/features/checkout/lib/stripe';
import { ApiError } from '@/lib/api-client';
import type { Order, PaymentIntent } from '@/lib/api-schemas/identity-commerce';

/** An order create-payment-intent opened, with the intent that pays it. */
export interface Prepared {
  intent: PaymentIntent;
  order: Order;
}

/**
 * Paying a prepared order by card, for accounts and guests alike (the api client sends the
 * bearer token or the guest cart's token). A card needing 3-D Secure goes through Stripe.js
 * and the server is asked again. `onDeclined` gets the decline in words; that order is closed
 * as payment_failed, so the caller prepares a fresh one for the next card.
 */
export function useCardPayment({
  prepared,
  onPaid,
  onDeclined,
}: {
  prepared: Prepared | null;
  onPaid: (order: Order) => void;
  onDeclined: (message: string) => void;
}) {
  const confirm = useConfirmCheckout();
  const stripeRef = useRef<{ stripe: StripeClient; card: CardElement } | null>(null);
  const [paying, setPaying] = useState(false);
  const [paymentError, setPaymentError] = useState<string | null>(null);

  async function pay(event: FormEvent) {
    event.preventDefault();
    if (!prepared || !stripeRef.current) return;
    setPaymentError(null);
    setPaying(true);
    const { stripe, card } = stripeRef.current;
    try {
      const method = await createPaymentMethodId(stripe, card);
      if ('error' in method) {
        setPaymentError(method.error);
        return;
      }
      let order = await confirm.mutateAsync({ order_id: prepared.intent.order_id, payment_method_id: method.paymentMethodId });

      // Cards that need 3-D Secure: let Stripe.js authenticate, then ask the server again.
      if (order.status === 'pending_payment' && order.payment?.status === 'requires_action') {
        const authenticated = await stripe.confirmCardPayment(prepared.intent.client_secret);
        if (authenticated.error) {
          setPaymentError(describeStripeError(authenticated.error));
          return;
        }
        order = await confirm.mutateAsync({ order_id: prepared.intent.order_id });
      }

      if (order.status === 'paid' || order.status === 'processing') {
        onPaid(order);
        return;
      }
      setPaymentError(order.payment?.failure_message ?? 'The payment did not go through. Please try another card.');
    } catch (error) {
      const message = describeCheckoutError(error);
      setPaymentError(message);
      if (error instanceof ApiError && error.status === 402) {
        toast.error('Payment declined. Your cart is unchanged.');
        onDeclined(message);
      }
    } finally {
      setPaying(false);
    }
  }

  return { pay, paying, paymentError, setPaymentError, onCardReady: (stripe: StripeClient, card: CardElement) => (stripeRef.current = { stripe, card }) };
}

export type CardPayment = ReturnType<typeof useCardPayment>;
