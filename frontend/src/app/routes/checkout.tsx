import { PageTitle } from '@/components/ui/page-title';
import { useAddresses } from '@/features/addresses/api/addresses-api';
import { AddressPicker } from '@/features/addresses/components/address-picker';
import { useCart } from '@/features/cart/api/cart-api';
import { PromoCodeForm } from '@/features/cart/components/promo-code-form';
import { CheckoutFlow } from '@/features/checkout/components/checkout-flow';

/** Checkout composes three features: the cart and the address book feed the checkout flow. */
export function CheckoutPage() {
  const cart = useCart();
  const addresses = useAddresses();
  return (
    <div>
      <PageTitle>Checkout</PageTitle>
      <CheckoutFlow cart={cart} addresses={addresses} AddressPicker={AddressPicker} PromoField={PromoCodeForm} />
    </div>
  );
}
