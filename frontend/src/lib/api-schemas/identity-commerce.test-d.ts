/**
 * identity-commerce's answers, as its OpenAPI promises them (lib/api-types/identity-commerce.ts,
 * generated), must be accepted by the zod schemas the pages parse them with. A failure here means
 * the service changed a shape: adjust the schema (and the pages) or the service.
 */
import { describe, it } from 'vitest';
import { z } from 'zod';

import { outboxEntrySchema, outboxPageSchema } from '@/lib/api-schemas/common';
import { accepts, sends, type RequestBody, type SuccessBody } from '@/lib/api-schemas/contract';
import {
  addressSchema,
  adminOrderPageSchema,
  adminOrderSchema,
  cartLineSchema,
  cartSchema,
  customerDetailSchema,
  customerPageSchema,
  orderPageSchema,
  orderSchema,
  paymentIntentSchema,
  refundCreatedSchema,
  returnPageSchema,
  returnSchema,
  salesReportSchema,
  tokenSchema,
  topProductsSchema,
  userSchema,
} from '@/lib/api-schemas/identity-commerce';
import type { paths } from '@/lib/api-types/identity-commerce';

type Answer<Path extends keyof paths, Method extends keyof paths[Path]> = SuccessBody<paths[Path][Method]>;
type Body<Path extends keyof paths, Method extends keyof paths[Path]> = RequestBody<paths[Path][Method]>;

describe('identity-commerce answers fit the schemas that parse them', () => {
  it('accounts', () => {
    accepts(tokenSchema)<Answer<'/auth/login', 'post'>>();
    accepts(userSchema)<Answer<'/auth/me', 'get'>>();
    accepts(userSchema)<Answer<'/auth/me', 'patch'>>();
    accepts(userSchema)<Answer<'/auth/signup', 'post'>>();
  });

  it('back office', () => {
    accepts(customerPageSchema)<Answer<'/admin/customers', 'get'>>();
    accepts(customerDetailSchema)<Answer<'/admin/customers/{user_id}', 'get'>>();
    accepts(customerDetailSchema)<Answer<'/admin/customers/{user_id}/disable', 'post'>>();
    accepts(customerDetailSchema)<Answer<'/admin/customers/{user_id}/role', 'put'>>();
    accepts(salesReportSchema)<Answer<'/admin/reports/sales', 'get'>>();
    accepts(topProductsSchema)<Answer<'/admin/reports/top-products', 'get'>>();
  });

  it('addresses', () => {
    accepts(z.array(addressSchema))<Answer<'/addresses', 'get'>>();
    accepts(addressSchema)<Answer<'/addresses', 'post'>>();
    accepts(addressSchema)<Answer<'/addresses/{address_id}', 'put'>>();
  });

  it('cart and checkout', () => {
    accepts(cartSchema)<Answer<'/cart', 'get'>>();
    accepts(cartLineSchema)<Answer<'/cart/items', 'post'>>();
    accepts(paymentIntentSchema)<Answer<'/checkout/create-payment-intent', 'post'>>();
    accepts(orderSchema)<Answer<'/checkout/confirm', 'post'>>();
  });

  it('orders', () => {
    accepts(orderPageSchema)<Answer<'/orders', 'get'>>();
    accepts(orderSchema)<Answer<'/orders/{order_id}', 'get'>>();
    accepts(orderSchema)<Answer<'/orders/{order_id}/cancel', 'post'>>();
    accepts(adminOrderPageSchema)<Answer<'/admin/orders', 'get'>>();
    accepts(adminOrderSchema)<Answer<'/admin/orders/{order_id}', 'get'>>();
    accepts(adminOrderSchema)<Answer<'/admin/orders/{order_id}/status', 'post'>>();
  });

  it('refunds and returns', () => {
    accepts(refundCreatedSchema)<Answer<'/admin/orders/{order_id}/refunds', 'post'>>();
    accepts(returnSchema)<Answer<'/orders/{order_id}/returns', 'post'>>();
    accepts(returnPageSchema)<Answer<'/admin/returns', 'get'>>();
    accepts(returnSchema)<Answer<'/admin/returns/{return_id}/approve', 'post'>>();
    accepts(returnSchema)<Answer<'/admin/returns/{return_id}/receive', 'post'>>();
  });

  it('outbox', () => {
    accepts(outboxPageSchema)<Answer<'/admin/outbox', 'get'>>();
    accepts(outboxEntrySchema)<Answer<'/admin/outbox/{event_id}/retry', 'post'>>();
  });
});

describe('what the pages send fits what identity-commerce accepts', () => {
  it('request bodies', () => {
    sends<Body<'/auth/login', 'post'>>()<{ email: string; password: string }>();
    // as features/admin/api/admin-aftersale-api.ts and features/orders/api/returns-api.ts send them
    sends<Body<'/admin/orders/{order_id}/refunds', 'post'>>()<{
      lines: { sku: string; quantity: number }[];
      include_shipping: boolean;
      restock: boolean;
      reason: string;
      amount?: string;
    }>();
    sends<Body<'/orders/{order_id}/returns', 'post'>>()<{ lines: { sku: string; quantity: number }[]; reason: string }>();
  });
});
