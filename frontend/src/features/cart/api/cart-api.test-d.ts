/** What the cart sends must be a body identity-commerce accepts (generated lib/api-types). */
import { describe, it } from 'vitest';

import { sends, type RequestBody } from '@/lib/api-schemas/contract';
import type { paths } from '@/lib/api-types/identity-commerce';

describe('cart request bodies', () => {
  it('add a line and change its quantity', () => {
    sends<RequestBody<paths['/cart/items']['post']>>()<{ sku: string; quantity: number }>();
    sends<RequestBody<paths['/cart/items/{item_id}']['put']>>()<{ quantity: number }>();
  });
});
