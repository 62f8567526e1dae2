import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { adminOrderKeys } from '@/features/admin/api/admin-orders-api';
import { identityApi, parseResponse } from '@/lib/api-client';
import { refundCreatedSchema, returnPageSchema, returnSchema } from '@/lib/api-schemas/identity-commerce';

/** What the refund dialog sends: the lines (at the price paid), the shipping, restock, and why. */
export interface RefundRequest {
  lines: { sku: string; quantity: number }[];
  include_shipping: boolean;
  restock: boolean;
  reason: string;
  amount?: string;
}

/** A fresh key per refund the admin means to make; a retry of that same request reuses it. */
export function newIdempotencyKey() {
  return `refund-${crypto.randomUUID()}`;
}

export function useRefundOrder(orderId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ request, key }: { request: RefundRequest; key: string }) => {
      const { data } = await identityApi.post<unknown>(`/admin/orders/${encodeURIComponent(orderId)}/refunds`, request, {
        headers: { 'Idempotency-Key': key },
      });
      return parseResponse(refundCreatedSchema, data);
    },
    onSuccess: ({ order }) => {
      queryClient.setQueryData(adminOrderKeys.detail(orderId), order);
      void queryClient.invalidateQueries({ queryKey: adminOrderKeys.all });
    },
  });
}

export const adminReturnKeys = {
  all: ['admin', 'returns'] as const,
  list: (status: string, page: number) => ['admin', 'returns', status, page] as const,
};

export function useAdminReturns(status: string, page: number) {
  return useQuery({
    queryKey: adminReturnKeys.list(status, page),
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/admin/returns', { params: { status: status || undefined, page, page_size: 20 } });
      return parseResponse(returnPageSchema, data);
    },
  });
}

export type ReturnStep = 'approve' | 'reject' | 'receive';

export function useReturnStep() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, step, restock = true }: { id: string; step: ReturnStep; restock?: boolean }) => {
      const body = step === 'receive' ? { restock } : {};
      const { data } = await identityApi.post<unknown>(`/admin/returns/${encodeURIComponent(id)}/${step}`, body);
      return parseResponse(returnSchema, data);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminReturnKeys.all });
      void queryClient.invalidateQueries({ queryKey: adminOrderKeys.all });
    },
  });
}
