/**
 * React Query keys of the data more than one feature reads or refreshes: paying empties the
 * cart and adds an order, a review changes a product's rating, an admin edit changes the
 * catalogue. Keys only one feature uses stay in that feature's api/ module.
 */
import type { ProductFilters } from '@/lib/api-schemas/catalog-fulfillment';

export const cartKeys = { cart: ['cart'] as const };

export const orderKeys = {
  all: ['orders'] as const,
  list: (page: number) => ['orders', 'list', page] as const,
  detail: (id: string) => ['orders', 'detail', id] as const,
  fulfillment: (id: string) => ['orders', 'fulfillment', id] as const,
};

export const catalogKeys = {
  all: ['catalog'] as const,
  categories: ['catalog', 'categories'] as const,
  products: (filters: ProductFilters) => ['catalog', 'products', filters] as const,
  search: (q: string, page: number) => ['catalog', 'search', q, page] as const,
  suggestions: (q: string) => ['catalog', 'suggestions', q] as const,
  product: (id: string) => ['catalog', 'product', id] as const,
  inventory: (sku: string) => ['catalog', 'inventory', sku] as const,
};
