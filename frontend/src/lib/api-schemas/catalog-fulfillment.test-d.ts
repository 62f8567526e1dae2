/**
 * catalog-fulfillment's answers, as its OpenAPI promises them (lib/api-types/catalog-fulfillment.ts,
 * generated), must be accepted by the zod schemas the pages parse them with. A failure here means
 * the service changed a shape: adjust the schema (and the pages) or the service.
 */
import { describe, it } from 'vitest';
import { z } from 'zod';

import {
  adminProductPageSchema,
  categorySchema,
  inventorySchema,
  lowStockListSchema,
  outboxLowStockSchema,
  productDetailSchema,
  productPageSchema,
  reviewListSchema,
  reviewSchema,
  storeListSchema,
} from '@/lib/api-schemas/catalog-fulfillment';
import { outboxEntrySchema, outboxPageSchema } from '@/lib/api-schemas/common';
import { accepts, type SuccessBody } from '@/lib/api-schemas/contract';
import { fulfillmentSchema } from '@/lib/api-schemas/identity-commerce';
import type { paths } from '@/lib/api-types/catalog-fulfillment';

type Answer<Path extends keyof paths, Method extends keyof paths[Path]> = SuccessBody<paths[Path][Method]>;

describe('catalog-fulfillment answers fit the schemas that parse them', () => {
  it('catalogue', () => {
    accepts(z.array(categorySchema))<Answer<'/catalog/categories', 'get'>>();
    accepts(productPageSchema)<Answer<'/catalog/products', 'get'>>();
    accepts(productPageSchema)<Answer<'/catalog/search', 'get'>>();
    accepts(productDetailSchema)<Answer<'/catalog/products/{product_id}', 'get'>>();
  });

  it('inventory', () => {
    accepts(inventorySchema)<Answer<'/inventory/{sku}', 'get'>>();
    accepts(lowStockListSchema)<Answer<'/admin/inventory', 'get'>>();
    accepts(inventorySchema)<Answer<'/admin/inventory/{sku}', 'put'>>();
  });

  it('admin products', () => {
    accepts(adminProductPageSchema)<Answer<'/admin/products', 'get'>>();
    accepts(productDetailSchema)<Answer<'/admin/products', 'post'>>();
    accepts(productDetailSchema)<Answer<'/admin/products/{product_id}', 'get'>>();
    accepts(productDetailSchema)<Answer<'/admin/products/{product_id}', 'put'>>();
  });

  it('reviews', () => {
    accepts(reviewListSchema)<Answer<'/reviews/product/{product_id}', 'get'>>();
    accepts(reviewSchema)<Answer<'/reviews', 'post'>>();
  });

  it('stores and fulfillments', () => {
    accepts(storeListSchema)<Answer<'/stores', 'get'>>();
    accepts(storeListSchema)<Answer<'/stores/nearby', 'get'>>();
    accepts(fulfillmentSchema)<Answer<'/fulfillments/{order_id}', 'get'>>();
  });

  it('outbox', () => {
    accepts(outboxPageSchema)<Answer<'/admin/outbox', 'get'>>();
    accepts(outboxLowStockSchema)<Answer<'/admin/outbox', 'get'>>();
    accepts(outboxEntrySchema)<Answer<'/admin/outbox/{event_id}/retry', 'post'>>();
  });
});
