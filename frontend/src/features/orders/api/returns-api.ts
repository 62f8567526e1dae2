import { useMutation, useQueryClient } from '@tanstack/react-query';

import { identityApi, parseResponse } from '@/lib/api-client';
import { returnSchema } from '@/lib/api-schemas/identity-commerce';
import { orderKeys } from '@/lib/query-keys';

/** A shopper's return request: which units of a delivered order, and why. */
export interface ReturnRequest {
  lines: { sku: string; quantity: number }[];
  reason: string;
}

export function useRequestReturn(orderId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (request: ReturnRequest) => {
      const { data } = await identityApi.post<unknown>(`/orders/${encodeURIComponent(orderId)}/returns`, request);
      return parseResponse(returnSchema, data);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: orderKeys.detail(orderId) });
    },
  });
}
