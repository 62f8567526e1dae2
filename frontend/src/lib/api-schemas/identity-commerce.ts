/**
 * What identity-commerce answers, as the pages read it: strict where the UI depends on a field,
 * lenient where the service may legitimately differ (ADR 0014). Checked against the generated
 * lib/api-types/identity-commerce.ts by identity-commerce.test-d.ts.
 */
import { z } from 'zod';

import { currencySchema, moneySchema } from '@/lib/api-schemas/common';

// --- accounts ---------------------------------------------------------------------------

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string().nullish().transform((v) => v ?? ''),
  last_name: z.string().nullish().transform((v) => v ?? ''),
  phone: z.string().nullish(),
  role: z.enum(['customer', 'staff', 'admin']),
  // A staff account's back-office permissions (docs/permissions.md); an admin holds them all.
  permissions: z.array(z.string()).catch([]).default([]),
  email_verified: z.boolean().catch(false),
});
export type User = z.infer<typeof userSchema>;

export const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive().catch(900),
});

// --- addresses --------------------------------------------------------------------------

export const addressKindSchema = z.enum(['shipping', 'billing']);
export type AddressKind = z.infer<typeof addressKindSchema>;

export const addressSchema = z.object({
  id: z.string(),
  full_name: z.string(),
  line1: z.string(),
  line2: z.string().nullish(),
  city: z.string(),
  state: z.string().nullish(),
  postal_code: z.string(),
  country: z.string(),
  phone: z.string().nullish(),
  kind: addressKindSchema,
  is_default: z.boolean().catch(false),
});
export type Address = z.infer<typeof addressSchema>;

// --- cart -------------------------------------------------------------------------------

export const cartLineSchema = z.object({
  id: z.string(),
  sku: z.string(),
  product_id: z.string().nullish(),
  name: z.string().nullish().transform((v) => v ?? ''),
  unit_price: moneySchema.nullish(),
  quantity: z.number().int(),
  line_total: moneySchema.nullish(),
  available: z.union([z.boolean(), z.number()]).nullish(),
  image_url: z.string().nullish(),
});
export type CartLine = z.infer<typeof cartLineSchema>;

export const cartPromoSchema = z.object({
  code: z.string(),
  discount: moneySchema,
  /** Why the code does not apply now (the 409 `code` checkout would answer), or null. */
  problem: z.string().nullish(),
});
export type CartPromo = z.infer<typeof cartPromoSchema>;

export const cartSchema = z.object({
  items: z.array(cartLineSchema),
  subtotal: moneySchema,
  promo: cartPromoSchema.nullish(),
  discount: moneySchema.optional(),
  discounted_subtotal: moneySchema.optional(),
  currency: currencySchema,
  item_count: z.number().int().nonnegative(),
  refreshed: z.boolean().optional(),
});
export type Cart = z.infer<typeof cartSchema>;

/** A line is buyable unless the service flagged it (false, or zero units left). */
export function isLineAvailable(line: CartLine): boolean {
  if (line.available === null || line.available === undefined) return true;
  if (typeof line.available === 'number') return line.available >= line.quantity;
  return line.available;
}

// --- checkout ---------------------------------------------------------------------------

export const paymentIntentSchema = z.object({
  order_id: z.string(),
  payment_intent_id: z.string(),
  client_secret: z.string(),
  amount: z.union([z.number(), z.string()]),
  currency: z.string(),
  status: z.string(),
  reservation_expires_at: z.string().nullish(),
  subtotal: moneySchema.optional(),
  shipping: moneySchema.optional(),
  tax: moneySchema.optional(),
  total: moneySchema.optional(),
});
export type PaymentIntent = z.infer<typeof paymentIntentSchema>;

/** A guest's checkout reply also carries the token that opens the order (X-Order-Token). */
export const guestPaymentIntentSchema = paymentIntentSchema.extend({ order_token: z.string().min(1) });
export type GuestPaymentIntent = z.infer<typeof guestPaymentIntentSchema>;

// --- orders -----------------------------------------------------------------------------

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
  'partially_refunded',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

const statusSchema = z.string() as z.ZodType<OrderStatus | (string & {}), string>;

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

export const refundSchema = z
  .object({
    id: z.string(),
    amount: moneySchema,
    status: z.string().nullish(),
    reason: z.string().nullish(),
    lines: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), amount: moneySchema })).default([]),
    shipping_amount: moneySchema.nullish(),
    restock: z.boolean().nullish(),
    created_at: z.string().nullish(),
  })
  .loose();
export type Refund = z.infer<typeof refundSchema>;

export const returnStatuses = ['requested', 'approved', 'rejected', 'received'] as const;

export const returnSchema = z
  .object({
    id: z.string(),
    order_id: z.string(),
    status: z.string(),
    reason: z.string(),
    lines: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int() })),
    note: z.string().nullish(),
    created_at: z.string().nullish(),
    order_number: z.string().nullish(),
  })
  .loose();
export type Return = z.infer<typeof returnSchema>;

export const returnPageSchema = z.object({
  items: z.array(returnSchema),
  total: z.number().int().nonnegative(),
  page: z.number().int().catch(1),
  page_size: z.number().int().catch(20),
});

export const orderSchema = z.object({
  id: z.string(),
  number: z.string().nullish(),
  order_number: z.string().nullish(),
  status: statusSchema,
  items: z.array(orderItemSchema).default([]),
  subtotal: moneySchema,
  discount: moneySchema.optional(),
  promo_code: z.string().nullish(),
  shipping: moneySchema,
  shipping_method: z.string().nullish(),
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
      refunds: z.array(refundSchema).default([]),
    })
    .loose()
    .nullish(),
  returns: z.array(returnSchema).default([]),
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

export const adminOrderSchema = orderSchema.extend({
  customer_email: z.string().nullish(),
  customer_name: z.string().nullish(),
});
export type AdminOrder = z.infer<typeof adminOrderSchema>;

export const adminOrderPageSchema = z.object({
  items: z.array(orderSummarySchema.extend({ customer_email: z.string().nullish(), item_count: z.number().int().optional() })),
  total: z.number().int(),
  page: z.number().int().catch(1),
  page_size: z.number().int().catch(20),
});
export type AdminOrderPage = z.infer<typeof adminOrderPageSchema>;

export const refundCreatedSchema = z.object({ refund: refundSchema, order: adminOrderSchema });

// --- back office: customers and reports -------------------------------------------------

export const permissionNames = ['orders', 'catalog', 'customers', 'reports'] as const;
export type Permission = (typeof permissionNames)[number];
export const roleNames = ['customer', 'staff', 'admin'] as const;
export type RoleName = (typeof roleNames)[number];

export const customerSummarySchema = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  role: z.enum(roleNames),
  permissions: z.array(z.string()).catch([]),
  active: z.boolean(),
  email_verified: z.boolean().catch(false),
  created_at: z.string(),
  last_login_at: z.string().nullish(),
  order_count: z.number().int(),
  total_spent: moneySchema,
  last_order_at: z.string().nullish(),
});
export type CustomerSummary = z.infer<typeof customerSummarySchema>;

export const customerPageSchema = z.object({
  items: z.array(customerSummarySchema),
  total: z.number().int(),
  page: z.number().int().catch(1),
  page_size: z.number().int().catch(20),
});
export type CustomerPage = z.infer<typeof customerPageSchema>;

export const customerDetailSchema = customerSummarySchema.extend({
  phone: z.string().nullish(),
  addresses: z.array(addressSchema),
  orders: adminOrderPageSchema.shape.items,
});
export type CustomerDetail = z.infer<typeof customerDetailSchema>;

export const salesBucketSchema = z.object({
  start: z.string(),
  orders: z.number().int(),
  gross: moneySchema,
  discounts: moneySchema,
  refunds: moneySchema,
  net: moneySchema,
  average_order_value: moneySchema,
});
export type SalesBucket = z.infer<typeof salesBucketSchema>;

export const salesReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  interval: z.enum(['day', 'week', 'month']),
  time_zone: z.string(),
  currency: currencySchema,
  buckets: z.array(salesBucketSchema),
  totals: salesBucketSchema,
});
export type SalesReport = z.infer<typeof salesReportSchema>;

export const topProductsSchema = z.array(
  z.object({ sku: z.string(), name: z.string(), units: z.number().int(), orders: z.number().int(), revenue: moneySchema }),
);
export type TopProducts = z.infer<typeof topProductsSchema>;

// --- promotions and shipping methods ------------------------------------------------------

export const promotionSchema = z.object({
  id: z.string(),
  code: z.string(),
  kind: z.enum(['percent', 'fixed']),
  value: moneySchema,
  min_subtotal: moneySchema.nullish(),
  starts_at: z.string().nullish(),
  ends_at: z.string().nullish(),
  usage_limit: z.number().int().nullish(),
  per_customer_limit: z.number().int().nullish(),
  active: z.boolean(),
  times_used: z.number().int().catch(0),
  reserved: z.number().int().catch(0),
});
export type Promotion = z.infer<typeof promotionSchema>;

export const shippingOptionSchema = z.object({
  id: z.string().nullable(),
  name: z.string(),
  price: moneySchema,
  regular_price: moneySchema.optional(),
  free_over: moneySchema.nullish(),
  delivery_estimate: z.string().nullish(),
});
export type ShippingOption = z.infer<typeof shippingOptionSchema>;

export const shippingZoneSchema = z.object({ id: z.string(), name: z.string(), countries: z.array(z.string()) });
export type ShippingZone = z.infer<typeof shippingZoneSchema>;

export const shippingMethodSchema = z.object({
  id: z.string(),
  zone_id: z.string(),
  name: z.string(),
  price: moneySchema,
  free_over: moneySchema.nullish(),
  delivery_estimate: z.string().nullish(),
  active: z.boolean(),
});
export type ShippingMethod = z.infer<typeof shippingMethodSchema>;

export const shippingSetupSchema = z.object({
  zones: z.array(shippingZoneSchema),
  methods: z.array(shippingMethodSchema),
  fallback_in_use: z.boolean().catch(false),
});
export type ShippingSetup = z.infer<typeof shippingSetupSchema>;
