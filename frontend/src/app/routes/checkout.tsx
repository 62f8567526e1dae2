import { Navigate } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { useAddresses } from '@/features/addresses/api/addresses-api';
import { AddressPicker } from '@/features/addresses/components/address-picker';
import { countries } from '@/features/addresses/components/countries';
import { useCart } from '@/features/cart/api/cart-api';
import { PromoCodeForm } from '@/features/cart/components/promo-code-form';
import { CheckoutFlow } from '@/features/checkout/components/checkout-flow';
import { GuestCheckoutFlow } from '@/features/checkout/components/guest-checkout-flow';
import { guestCartToken } from '@/lib/guest-cart';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

/**
 * Checkout composes three features: the cart and the address book feed the checkout flow. A
 * visitor with a guest cart checks out as a guest (email and address typed in); a visitor
 * with no cart at all is asked to sign in, as before guest checkout.
 */
export function CheckoutPage() {
  const signedIn = useSessionStore(selectIsSignedIn);
  if (signedIn) return <AccountCheckoutPage />;
  if (!guestCartToken()) return <Navigate to="/login?next=%2Fcheckout" replace />;
  return <GuestCheckoutPage />;
}

function AccountCheckoutPage() {
  const cart = useCart();
  const addresses = useAddresses();
  return (
    <div>
      <PageTitle>Checkout</PageTitle>
      <CheckoutFlow cart={cart} addresses={addresses} AddressPicker={AddressPicker} PromoField={PromoCodeForm} />
    </div>
  );
}

function GuestCheckoutPage() {
  const cart = useCart();
  return (
    <div>
      <PageTitle>Checkout</PageTitle>
      <GuestCheckoutFlow cart={cart} countries={countries} />
    </div>
  );
}
