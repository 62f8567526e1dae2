import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast-store';
import { useClaimOrder } from '@/features/orders/api/orders-api';
import { ApiError } from '@/lib/api-client';
import type { Order } from '@/lib/api-schemas/identity-commerce';
import { forgetGuestOrder, guestOrderPath } from '@/lib/guest-orders';
import { orderLabel } from '@/lib/orders';

/**
 * Right after a guest paid: the order number, the link that opens this order again (the
 * emails carry the same one), and the offer to create an account with the checkout's email.
 */
export function GuestOrderConfirmation({
  order,
  orderToken,
  email,
  signedIn,
}: {
  order: Order;
  orderToken: string;
  email: string | null;
  signedIn: boolean;
}) {
  const link = guestOrderPath(order.id, orderToken);
  return (
    <div className="mb-6 space-y-4">
      <div role="status" className="rounded-md bg-emerald-50 p-4 text-emerald-900 ring-1 ring-emerald-200">
        <p>
          Order <strong data-testid="order-number">{orderLabel(order)}</strong> is confirmed.{' '}
          {email ? `We have emailed a receipt to ${email}` : 'We have emailed you a receipt'} and will let you know when it ships.
        </p>
        <p className="mt-2">
          Follow your order any time with{' '}
          <Link to={link} className="font-medium underline">
            this link to your order
          </Link>{' '}
          (it is in the email too).
        </p>
      </div>
      {!signedIn && (
        <section aria-labelledby="create-account-heading" className="rounded-md bg-white p-4 ring-1 ring-slate-200">
          <h2 id="create-account-heading" className="font-semibold">
            Create an account with this email
          </h2>
          <p className="mt-1 text-sm text-slate-700">
            Keep your orders and addresses in one place. Once you confirm your email, this order joins your account.
          </p>
          <Link
            to={`/signup${email ? `?email=${encodeURIComponent(email)}` : ''}`}
            className="mt-3 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Create an account
          </Link>
        </section>
      )}
    </div>
  );
}

/** A signed-in shopper opened a guest order's link: offer to take it into the account. */
export function ClaimGuestOrder({ orderToken }: { orderToken: string }) {
  const claim = useClaimOrder();
  if (claim.isSuccess) {
    return (
      <p role="status" className="mb-6 text-sm text-emerald-800">
        This order is now in{' '}
        <Link to="/orders" className="font-medium underline">
          your orders
        </Link>
        .
      </p>
    );
  }
  const error = claim.error instanceof ApiError ? claim.error : null;
  return (
    <div className="mb-6 flex flex-wrap items-center gap-3 rounded-md bg-white p-4 text-sm ring-1 ring-slate-200">
      <p>Placed as a guest. Was it you?</p>
      <Button
        variant="secondary"
        size="sm"
        isLoading={claim.isPending}
        onClick={() =>
          claim.mutate(orderToken, {
            onSuccess: (order) => {
              forgetGuestOrder(order.id);
              toast.success('The order is now in your account.');
            },
          })
        }
      >
        Add this order to my account
      </Button>
      {error && (
        <p role="alert" className="w-full text-red-700">
          {error.status === 403
            ? 'Confirm your email first (see your account page), then add the order.'
            : error.status === 404
              ? 'This order was placed with another email address than your account’s.'
              : error.message}
        </p>
      )}
    </div>
  );
}
