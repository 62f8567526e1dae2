import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { catalogApi, parseResponse } from '@/lib/api-client';
import { adminProductPageSchema, productDetailSchema } from '@/lib/api-schemas/catalog-fulfillment';
import { catalogKeys } from '@/lib/query-keys';


export interface AdminProductFilters {
  q?: string;
  status?: 'active' | 'archived';
  page: number;
}

export interface VariantInput {
  sku: string;
  name: string;
  attributes: Record<string, string>;
  price: string;
  on_hand: number;
  reorder_level: number;
}

export interface ProductInput {
  name: string;
  slug?: string;
  description: string;
  brand?: string | null;
  category_id: string;
  currency: string;
  images: { url: string; alt: string }[];
  variants: VariantInput[];
}

export const adminProductKeys = {
  all: ['admin', 'products'] as const,
  list: (filters: AdminProductFilters) => ['admin', 'products', 'list', filters] as const,
  detail: (id: string) => ['admin', 'products', 'detail', id] as const,
};

export function useAdminProducts(filters: AdminProductFilters) {
  return useQuery({
    queryKey: adminProductKeys.list(filters),
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const params: Record<string, string | number> = { page: filters.page, page_size: 20 };
      if (filters.q) params.q = filters.q;
      if (filters.status) params.status = filters.status;
      const { data } = await catalogApi.get<unknown>('/admin/products', { params });
      return parseResponse(adminProductPageSchema, data);
    },
  });
}

export function useAdminProduct(id: string | undefined) {
  return useQuery({
    queryKey: adminProductKeys.detail(id ?? ''),
    enabled: Boolean(id),
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>(`/admin/products/${encodeURIComponent(id ?? '')}`);
      return parseResponse(productDetailSchema, data);
    },
  });
}

function invalidateCatalog(queryClient: ReturnType<typeof useQueryClient>) {
  void queryClient.invalidateQueries({ queryKey: adminProductKeys.all });
  void queryClient.invalidateQueries({ queryKey: catalogKeys.all });
  void queryClient.invalidateQueries({ queryKey: ['admin', 'inventory'] });
}

export function useSaveProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id?: string; input: ProductInput }) => {
      const body = { ...input, slug: input.slug || undefined, brand: input.brand || null };
      const { data } = id
        ? await catalogApi.put<unknown>(`/admin/products/${encodeURIComponent(id)}`, body)
        : await catalogApi.post<unknown>('/admin/products', body);
      return parseResponse(productDetailSchema, data);
    },
    onSuccess: () => invalidateCatalog(queryClient),
  });
}

export function useArchiveProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await catalogApi.post(`/admin/products/${encodeURIComponent(id)}/archive`);
    },
    onSuccess: () => invalidateCatalog(queryClient),
  });
}

export function useRestoreProduct() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await catalogApi.put<unknown>(`/admin/products/${encodeURIComponent(id)}`, { status: 'active' });
    },
    onSuccess: () => invalidateCatalog(queryClient),
  });
}
