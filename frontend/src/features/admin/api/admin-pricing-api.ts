import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { identityApi, parseResponse } from '@/lib/api-client';
import { promotionSchema, shippingMethodSchema, shippingSetupSchema, shippingZoneSchema } from '@/lib/api-schemas/identity-commerce';

export const pricingKeys = {
  promotions: ['admin', 'promotions'] as const,
  shipping: ['admin', 'shipping-methods'] as const,
};

export interface PromotionInput {
  code: string;
  kind: 'percent' | 'fixed';
  value: string;
  min_subtotal?: string | null;
  starts_at?: string | null;
  ends_at?: string | null;
  usage_limit?: number | null;
  per_customer_limit?: number | null;
  active: boolean;
}

export function usePromotions() {
  return useQuery({
    queryKey: pricingKeys.promotions,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/admin/promotions');
      return parseResponse(z.array(promotionSchema), data);
    },
  });
}

export function useCreatePromotion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: PromotionInput) => {
      const body = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null && v !== ''));
      const { data } = await identityApi.post<unknown>('/admin/promotions', body);
      return parseResponse(promotionSchema, data);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pricingKeys.promotions }),
  });
}

export function useDeactivatePromotion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { data } = await identityApi.delete<unknown>(`/admin/promotions/${encodeURIComponent(id)}`);
      return parseResponse(promotionSchema, data);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pricingKeys.promotions }),
  });
}

export function useShippingSetup() {
  return useQuery({
    queryKey: pricingKeys.shipping,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/admin/shipping-methods');
      return parseResponse(shippingSetupSchema, data);
    },
  });
}

export function useCreateZone() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; countries: string[] }) => {
      const { data } = await identityApi.post<unknown>('/admin/shipping-methods/zones', input);
      return parseResponse(shippingZoneSchema, data);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pricingKeys.shipping }),
  });
}

export interface ShippingMethodInput {
  zone_id: string;
  name: string;
  price: string;
  free_over?: string | null;
  delivery_estimate?: string | null;
  active: boolean;
}

export function useCreateShippingMethod() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: ShippingMethodInput) => {
      const body = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null && v !== ''));
      const { data } = await identityApi.post<unknown>('/admin/shipping-methods', body);
      return parseResponse(shippingMethodSchema, data);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pricingKeys.shipping }),
  });
}

export function useDeactivateShippingMethod() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { data } = await identityApi.delete<unknown>(`/admin/shipping-methods/${encodeURIComponent(id)}`);
      return parseResponse(shippingMethodSchema, data);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: pricingKeys.shipping }),
  });
}
