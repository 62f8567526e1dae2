import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';

import { catalogApi, parseResponse } from '@/lib/api-client';
import {
  categorySchema,
  inventorySchema,
  productDetailSchema,
  productPageSchema,
  type Category,
  type ProductFilters,
} from '@/lib/api-schemas/catalog-fulfillment';
import { catalogKeys } from '@/lib/query-keys';

/** Drops empty values so URLs and cache keys stay canonical. */
function toParams(filters: ProductFilters): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(filters)) {
    if (value === undefined || value === '' || value === false || value === null) continue;
    params[key] = String(value);
  }
  return params;
}

export function useCategories() {
  return useQuery({
    queryKey: catalogKeys.categories,
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>('/catalog/categories');
      return parseResponse(z.array(categorySchema), data);
    },
    staleTime: 10 * 60_000,
  });
}

export function flattenCategories(tree: Category[]): Category[] {
  return tree.flatMap((category) => [category, ...flattenCategories(category.children)]);
}

export function findCategory(tree: Category[], slug: string): Category | undefined {
  return flattenCategories(tree).find((category) => category.slug === slug);
}

export async function fetchProducts(filters: ProductFilters) {
  const { data } = await catalogApi.get<unknown>('/catalog/products', { params: toParams(filters) });
  return parseResponse(productPageSchema, data);
}

export function useProducts(filters: ProductFilters) {
  return useQuery({
    queryKey: catalogKeys.products(filters),
    queryFn: () => fetchProducts(filters),
    // Keep the old page on screen while the next one loads: no flashing spinner on every filter click.
    placeholderData: keepPreviousData,
  });
}

export async function searchProducts(q: string, page = 1, pageSize = 24) {
  const { data } = await catalogApi.get<unknown>('/catalog/search', { params: { q, page, page_size: pageSize } });
  return parseResponse(productPageSchema, data);
}

export function useSearch(q: string, page: number) {
  return useQuery({
    queryKey: catalogKeys.search(q, page),
    queryFn: () => searchProducts(q, page),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });
}

/** Type-ahead: the search endpoint already tolerates typos, so suggestions do too. */
export function useSearchSuggestions(q: string) {
  const term = q.trim();
  return useQuery({
    queryKey: catalogKeys.suggestions(term),
    queryFn: async () => (await searchProducts(term, 1, 6)).items,
    enabled: term.length >= 2,
    staleTime: 60_000,
    retry: false,
  });
}

export function useProduct(id: string) {
  return useQuery({
    queryKey: catalogKeys.product(id),
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>(`/catalog/products/${encodeURIComponent(id)}`);
      return parseResponse(productDetailSchema, data);
    },
    // Live availability: stock moves while a shopper looks at the page.
    refetchInterval: 20_000,
  });
}

/** Stock figures of one sku (admins only: the endpoint refuses shoppers). */
export function useInventory(sku: string | undefined) {
  return useQuery({
    queryKey: catalogKeys.inventory(sku ?? ''),
    enabled: Boolean(sku),
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>(`/inventory/${encodeURIComponent(sku ?? '')}`);
      return parseResponse(inventorySchema, data);
    },
    staleTime: 5_000,
  });
}
