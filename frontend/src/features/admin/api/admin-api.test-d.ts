/** What the admin pages send must be a body the services accept (generated lib/api-types). */
import { describe, it } from 'vitest';

import type { StatusChange } from '@/features/admin/api/admin-orders-api';
import type { ProductInput } from '@/features/admin/api/admin-products-api';
import { sends, type RequestBody } from '@/lib/api-schemas/contract';
import type { paths as catalog } from '@/lib/api-types/catalog-fulfillment';
import type { paths as identity } from '@/lib/api-types/identity-commerce';

describe('admin request bodies', () => {
  it('products and stock (catalog-fulfillment)', () => {
    sends<RequestBody<catalog['/admin/products']['post']>>()<ProductInput>();
    sends<RequestBody<catalog['/admin/products/{product_id}']['put']>>()<ProductInput>();
    sends<RequestBody<catalog['/admin/products/{product_id}']['put']>>()<{ status: 'active' }>();
    sends<RequestBody<catalog['/admin/inventory/{sku}']['put']>>()<{ on_hand: number; reorder_level?: number }>();
  });

  it('order status (identity-commerce)', () => {
    sends<RequestBody<identity['/admin/orders/{order_id}/status']['post']>>()<StatusChange>();
  });
});
