import { Button } from '@/components/ui/button';
import { CardField } from '@/features/checkout/components/card-field';
import type { CardPayment, Prepared } from '@/features/checkout/lib/use-card-payment';
import { formatMoney } from '@/lib/money';

export function PaymentError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <div role="alert" data-testid="payment-error" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
      {message}
    </div>
  );
}

/** The card form of a prepared order: card Element, decline message, pay button, hold time. */
export function PaymentForm({ prepared, payment }: { prepared: Prepared; payment: CardPayment }) {
  return (
    <form onSubmit={(e) => void payment.pay(e)} className="space-y-4 rounded-md bg-white p-4 ring-1 ring-slate-200" aria-label="Payment">
      <CardField onReady={payment.onCardReady} />
      <PaymentError message={payment.paymentError} />
      <Button type="submit" isLoading={payment.paying} className="w-full sm:w-auto">
        Pay {formatMoney(prepared.order.total, prepared.order.currency)}
      </Button>
      {prepared.intent.reservation_expires_at && (
        <p className="text-xs text-slate-600">
          Your items are held for you until {new Date(prepared.intent.reservation_expires_at).toLocaleTimeString()}.
        </p>
      )}
    </form>
  );
}
