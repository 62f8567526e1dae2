/**
 * Response bodies shaped exactly like the services' (see their pydantic schemas). Public catalog
 * answers carry stock levels; the exact `available` is null unless an admin or service asks.
 */
export const laptop = {
  id: '11111111-1111-1111-1111-111111111111',
  name: 'Laptop 13',
  slug: 'laptop-13',
  brand: 'Acme',
  description: 'A light laptop.',
  status: 'active',
  category: { id: 'c1', name: 'Laptops', slug: 'laptops' },
  images: [
    { id: 'i1', url: 'http://catalog.test/static/laptop-1.svg', alt: 'Laptop front' },
    { id: 'i2', url: 'http://catalog.test/static/laptop-2.svg', alt: 'Laptop side' },
  ],
  variants: [
    { id: 'v1', sku: 'LAP-13-8-SIL', name: '8 GB Silver', attributes: { memory: '8 GB', colour: 'Silver' }, price: '899.00', currency: 'USD', available: null, stock_level: 'low_stock', in_stock: true, active: true },
    { id: 'v2', sku: 'LAP-13-16-SIL', name: '16 GB Silver', attributes: { memory: '16 GB', colour: 'Silver' }, price: '999.00', currency: 'USD', available: null, stock_level: 'out_of_stock', in_stock: false, active: true },
    { id: 'v3', sku: 'LAP-13-16-BLK', name: '16 GB Black', attributes: { memory: '16 GB', colour: 'Black' }, price: '999.00', currency: 'USD', available: null, stock_level: 'in_stock', in_stock: true, active: true },
  ],
  price: '899.00',
  currency: 'USD',
  rating_avg: 4.5,
  rating_count: 2,
  in_stock: true,
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
};

export const laptopSummary = {
  id: laptop.id,
  name: laptop.name,
  slug: laptop.slug,
  brand: 'Acme',
  price: '899.00',
  currency: 'USD',
  image_url: null,
  category: laptop.category,
  rating_avg: 4.5,
  rating_count: 2,
  in_stock: true,
};

export function productPage(items: unknown[], extra: Record<string, unknown> = {}) {
  return { items, total: items.length, page: 1, page_size: 20, facets: { categories: [], price_bands: [] }, typo_corrected: false, ...extra };
}

export const cart = {
  items: [
    {
      id: 'line-1',
      sku: 'LAP-13-8-SIL',
      product_id: laptop.id,
      name: 'Laptop 13 8 GB Silver',
      image_url: null,
      unit_price: '899.00',
      currency: 'USD',
      quantity: 1,
      line_total: '899.00',
      available: true,
      available_quantity: 4,
    },
    {
      id: 'line-2',
      sku: 'LAP-13-16-SIL',
      product_id: laptop.id,
      name: 'Laptop 13 16 GB Silver',
      image_url: null,
      unit_price: '999.00',
      currency: 'USD',
      quantity: 2,
      line_total: '1998.00',
      available: false,
      available_quantity: 0,
    },
  ],
  subtotal: '2897.00',
  currency: 'USD',
  item_count: 3,
  refreshed: true,
};

export const address = {
  id: 'addr-1',
  kind: 'shipping',
  full_name: 'Alice Doe',
  line1: '1 Main St',
  line2: null,
  city: 'Springfield',
  state: 'IL',
  postal_code: '62701',
  country: 'US',
  phone: null,
  is_default: true,
  created_at: '2026-11-01T10:00:00Z',
  updated_at: '2026-11-01T10:00:00Z',
};

export const paidOrder = {
  id: '22222222-2222-2222-2222-222222222222',
  number: 'SO-2026-000001',
  status: 'paid',
  items: [{ sku: 'LAP-13-8-SIL', product_id: laptop.id, name: 'Laptop 13 8 GB Silver', quantity: 1, unit_price: '899.00', line_total: '899.00' }],
  subtotal: '899.00',
  shipping: '0.00',
  tax: '71.92',
  total: '970.92',
  currency: 'USD',
  shipping_address: { full_name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postal_code: '62701', country: 'US' },
  billing_address: { full_name: 'Alice Doe', line1: '1 Main St', city: 'Springfield', postal_code: '62701', country: 'US' },
  payment: { provider: 'stripe', payment_intent_id: 'pi_1', status: 'succeeded', amount: '970.92', currency: 'USD', refunded_amount: '0.00', failure_message: null, client_secret: null, refunds: [] },
  fulfillment: null,
  timeline: [
    { status: 'pending_payment', at: '2026-11-20T10:00:00Z', note: null },
    { status: 'paid', at: '2026-11-20T10:01:00Z', note: null },
  ],
  reservation_expires_at: '2026-11-20T10:15:00Z',
  created_at: '2026-11-20T10:00:00Z',
  updated_at: '2026-11-20T10:01:00Z',
};
