import { PageTitle } from '@/components/ui/page-title';
import { CheckoutFlow } from '@/features/checkout/components/checkout-flow';

export function CheckoutPage() {
  return (
    <div>
      <PageTitle>Checkout</PageTitle>
      <CheckoutFlow />
    </div>
  );
}
