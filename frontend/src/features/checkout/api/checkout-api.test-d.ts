/** What the cart and checkout send must be a body identity-commerce accepts (generated lib/api-types). */
import { describe, it } from 'vitest';

import type { CreateIntentInput } from '@/features/checkout/api/checkout-api';
import { sends, type RequestBody } from '@/lib/api-schemas/contract';
import type { paths } from '@/lib/api-types/identity-commerce';

describe('checkout request bodies', () => {
  it('payment intent and confirmation', () => {
    sends<RequestBody<paths['/checkout/create-payment-intent']['post']>>()<Omit<CreateIntentInput, 'idempotencyKey'>>();
    sends<RequestBody<paths['/checkout/confirm']['post']>>()<{ order_id: string; payment_method_id?: string }>();
  });
});
