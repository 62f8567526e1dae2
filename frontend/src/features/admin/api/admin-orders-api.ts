import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { identityApi, parseResponse } from '@/lib/api-client';
import { adminOrderPageSchema, adminOrderSchema } from '@/lib/api-schemas/identity-commerce';

/** The statuses an admin may move an order to. */
export type StatusTarget = 'processing' | 'shipped' | 'delivered' | 'cancelled' | 'refunded';

/** What the admin may move an order to, from each status (the service enforces the same machine). */
export const nextStatuses: Record<string, StatusTarget[]> = {
  paid: ['processing', 'cancelled', 'refunded'],
  processing: ['shipped', 'cancelled', 'refunded'],
  shipped: ['delivered', 'refunded'],
  delivered: ['refunded'],
  partially_refunded: ['processing', 'shipped', 'delivered', 'refunded'],
};

export const adminOrderKeys = {
  all: ['admin', 'orders'] as const,
  list: (status: string, page: number) => ['admin', 'orders', 'list', status, page] as const,
  detail: (id: string) => ['admin', 'orders', 'detail', id] as const,
  recent: ['admin', 'orders', 'recent'] as const,
};

export async function fetchAdminOrders(params: { status?: string; page: number; page_size: number }) {
  const { data } = await identityApi.get<unknown>('/admin/orders', {
    params: { ...params, status: params.status || undefined },
  });
  return parseResponse(adminOrderPageSchema, data);
}

export function useAdminOrders(status: string, page: number) {
  return useQuery({
    queryKey: adminOrderKeys.list(status, page),
    placeholderData: keepPreviousData,
    queryFn: () => fetchAdminOrders({ status, page, page_size: 20 }),
  });
}

export function useAdminOrder(id: string) {
  return useQuery({
    queryKey: adminOrderKeys.detail(id),
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>(`/admin/orders/${encodeURIComponent(id)}`);
      return parseResponse(adminOrderSchema, data);
    },
  });
}

export interface StatusChange {
  status: StatusTarget;
  carrier?: string;
  tracking_number?: string;
  note?: string;
}

export function useChangeOrderStatus(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (change: StatusChange) => {
      const body = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined && v !== ''));
      const { data } = await identityApi.post<unknown>(`/admin/orders/${encodeURIComponent(id)}/status`, body);
      return parseResponse(adminOrderSchema, data);
    },
    onSuccess: (order) => {
      queryClient.setQueryData(adminOrderKeys.detail(id), order);
      void queryClient.invalidateQueries({ queryKey: adminOrderKeys.all });
    },
  });
}

/**
 * The most recent orders for the dashboard chart (up to `maxPages` × 100). The service has no
 * aggregate endpoint; a few pages of summaries are cheap and keep the numbers exact.
 */
export function useRecentOrders(maxPages = 5) {
  return useQuery({
    queryKey: adminOrderKeys.recent,
    queryFn: async () => {
      const first = await fetchAdminOrders({ page: 1, page_size: 100 });
      const pages = Math.min(maxPages, Math.ceil(first.total / 100));
      const rest = await Promise.all(
        Array.from({ length: Math.max(0, pages - 1) }, (_, i) => fetchAdminOrders({ page: i + 2, page_size: 100 })),
      );
      return [first, ...rest].flatMap((page) => page.items);
    },
  });
}
