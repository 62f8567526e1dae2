import { useEffect, useRef, useState } from 'react';

import { Spinner } from '@/components/ui/spinner';
import { loadStripe, type CardElement, type StripeClient } from '@/features/checkout/lib/stripe';

/**
 * Mounts Stripe's card Element. The card number never touches our code or servers: Stripe.js
 * (or localstripe's stand-in) owns the inputs and hands us a payment method id.
 */
export function CardField({ onReady }: { onReady: (stripe: StripeClient, card: CardElement) => void }) {
  const container = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'error'>('loading');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const onReadyRef = useRef(onReady);
  useEffect(() => {
    onReadyRef.current = onReady;
  });

  useEffect(() => {
    let card: CardElement | null = null;
    let cancelled = false;
    loadStripe()
      .then((stripe) => {
        if (cancelled || !container.current) return;
        card = stripe.elements().create('card', { hidePostalCode: false });
        card.mount(container.current);
        setStatus('ready');
        onReadyRef.current(stripe, card);
      })
      .catch((error: unknown) => {
        if (cancelled) return;
        setLoadError(error instanceof Error ? error.message : 'The payment form could not be loaded.');
        setStatus('error');
      });
    return () => {
      cancelled = true;
      card?.destroy();
    };
  }, [attempt]);

  return (
    <div>
      <span id="card-label" className="block text-sm font-medium">
        Card details
      </span>
      <div
        ref={container}
        role="group"
        aria-labelledby="card-label"
        data-testid="card-element"
        className="card-element mt-1 flex min-h-11 flex-wrap items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
      />
      {status === 'loading' && (
        <p className="mt-2 flex items-center gap-2 text-sm text-slate-600">
          <Spinner className="h-4 w-4" /> Loading the secure card form…
        </p>
      )}
      {status === 'error' && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {loadError}{' '}
          <button type="button" className="font-medium underline" onClick={() => {
              setStatus('loading');
              setAttempt((n) => n + 1);
            }}>
            Try again
          </button>
        </p>
      )}
    </div>
  );
}
