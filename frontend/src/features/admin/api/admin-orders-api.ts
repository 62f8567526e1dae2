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
