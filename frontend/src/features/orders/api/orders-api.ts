import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { ApiError, catalogApi, identityApi, parseResponse } from '@/lib/api-client';
import { fulfillmentSchema, orderPageSchema, orderSchema } from '@/lib/api-schemas/identity-commerce';
import { orderKeys } from '@/lib/query-keys';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

export function useOrders(page: number) {
  const signedIn = useSessionStore(selectIsSignedIn);
  return useQuery({
    queryKey: orderKeys.list(page),
    enabled: signedIn,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/orders', { params: { page, page_size: 10 } });
      return parseResponse(orderPageSchema, data);
    },
    placeholderData: keepPreviousData,
  });
}

/** One order: the signed-in shopper's, or with `orderToken` a guest order (X-Order-Token, no sign-in). */
export async function fetchOrder(id: string, orderToken?: string | null) {
  const { data } = await identityApi.get<unknown>(`/orders/${encodeURIComponent(id)}`, {
    headers: orderToken ? { 'X-Order-Token': orderToken } : undefined,
  });
  return parseResponse(orderSchema, data);
}

const LIVE_STATUSES = new Set(['pending_payment', 'paid', 'processing', 'shipped']);

export function useOrder(id: string, orderToken?: string | null) {
  return useQuery({
    queryKey: orderKeys.detail(id),
    queryFn: () => fetchOrder(id, orderToken),
    // A wrong or stale link stays wrong: say so at once instead of retrying.
    retry: (failures, error) => !(error instanceof ApiError && error.status === 404) && failures < 3,
    // While an order is moving (payment settling, parcel on its way) keep it fresh.
    refetchInterval: (query) => (query.state.data && LIVE_STATUSES.has(query.state.data.status) ? 20_000 : false),
  });
}

/** Tracking from catalog-fulfillment; absent until the order ships (404 means "none yet"). */
export function useFulfillment(orderId: string, enabled: boolean) {
  return useQuery({
    queryKey: orderKeys.fulfillment(orderId),
    enabled,
    retry: false,
    queryFn: async () => {
      try {
        const { data } = await catalogApi.get<unknown>(`/fulfillments/${encodeURIComponent(orderId)}`);
        return parseResponse(fulfillmentSchema, data);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function useCancelOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { data } = await identityApi.post<unknown>(`/orders/${encodeURIComponent(id)}/cancel`, {});
      return parseResponse(orderSchema, data);
    },
    onSuccess: (order) => {
      queryClient.setQueryData(orderKeys.detail(order.id), order);
      void queryClient.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}

/** A signed-in shopper takes a guest order into the account (POST /orders/claim, verified email). */
export function useClaimOrder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (orderToken: string) => {
      const { data } = await identityApi.post<unknown>('/orders/claim', { order_token: orderToken });
      return parseResponse(orderSchema, data);
    },
    onSuccess: (order) => {
      queryClient.setQueryData(orderKeys.detail(order.id), order);
      void queryClient.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}
