import { z } from 'zod';

import { currencySchema, moneySchema } from '@/lib/schemas';

export const orderStatuses = [
  'pending_payment',
  'paid',
  'payment_failed',
  'cancelled',
  'expired',
  'processing',
  'shipped',
  'delivered',
  'refunded',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const statusSchema = z.string() as z.ZodType<OrderStatus | (string & {})>;

const addressSnapshotSchema = z
  .object({
    full_name: z.string().nullish(),
    line1: z.string().nullish(),
    line2: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    postal_code: z.string().nullish(),
    country: z.string().nullish(),
    phone: z.string().nullish(),
  })
  .loose()
  .nullish();

export const fulfillmentSchema = z
  .object({
    id: z.string().optional(),
    carrier: z.string().nullish(),
    tracking_number: z.string().nullish(),
    tracking_url: z.string().nullish(),
    status: z.string().nullish(),
    shipped_at: z.string().nullish(),
    delivered_at: z.string().nullish(),
  })
  .loose();
export type Fulfillment = z.infer<typeof fulfillmentSchema>;

export const orderItemSchema = z.object({
  sku: z.string(),
  name: z.string().nullish().transform((v) => v ?? ''),
  quantity: z.number().int(),
  unit_price: moneySchema,
  line_total: moneySchema,
  product_id: z.string().nullish(),
});

export const orderSchema = z.object({
  id: z.string(),
  number: z.string().nullish(),
  order_number: z.string().nullish(),
  status: statusSchema,
  items: z.array(orderItemSchema).default([]),
  subtotal: moneySchema,
  shipping: moneySchema,
  tax: moneySchema,
  total: moneySchema,
  currency: currencySchema,
  shipping_address: addressSnapshotSchema,
  billing_address: addressSnapshotSchema,
  payment: z
    .object({
      status: z.string().nullish(),
      payment_intent_id: z.string().nullish(),
      amount: moneySchema.nullish(),
      failure_message: z.string().nullish(),
      refunded_amount: moneySchema.nullish(),
    })
    .loose()
    .nullish(),
  fulfillment: fulfillmentSchema.nullish(),
  timeline: z
    .array(z.object({ status: z.string(), at: z.string(), note: z.string().nullish() }).loose())
    .default([]),
  created_at: z.string().nullish(),
  placed_at: z.string().nullish(),
  email: z.string().nullish(),
  user_id: z.string().nullish(),
  customer_email: z.string().nullish(),
  reservation_expires_at: z.string().nullish(),
});
export type Order = z.infer<typeof orderSchema>;

/** The list may carry summaries only: everything but id, status and total is optional there. */
export const orderSummarySchema = orderSchema.partial().extend({
  id: z.string(),
  status: statusSchema,
  total: moneySchema,
  currency: currencySchema,
});
export type OrderSummary = z.infer<typeof orderSummarySchema>;

export const orderPageSchema = z.object({
  items: z.array(orderSummarySchema),
  total: z.number().int().nonnegative(),
  page: z.number().int().catch(1),
  page_size: z.number().int().catch(20),
});

export function orderLabel(order: { id: string; number?: string | null; order_number?: string | null }) {
  return order.number ?? order.order_number ?? `#${order.id.slice(0, 8).toUpperCase()}`;
}
