import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { identityApi, parseResponse } from '@/lib/api-client';
import { guestPaymentIntentSchema, orderSchema, paymentIntentSchema, shippingOptionSchema } from '@/lib/api-schemas/identity-commerce';
import { cartKeys, orderKeys } from '@/lib/query-keys';

export interface CreateIntentInput {
  shipping_address_id: string;
  billing_address_id: string;
  /** One of useShippingMethods; left out, the service picks the cheapest. */
  shipping_method_id?: string | null;
  /** One key per checkout attempt: a double click or a retried request reuses the first order. */
  idempotencyKey: string;
}

export function useCreatePaymentIntent() {
  return useMutation({
    mutationFn: async ({ idempotencyKey, shipping_method_id, ...rest }: CreateIntentInput) => {
      const body = shipping_method_id ? { ...rest, shipping_method_id } : rest;
      const { data } = await identityApi.post<unknown>('/checkout/create-payment-intent', body, {
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      return parseResponse(paymentIntentSchema, data);
    },
  });
}

/** An address typed in at guest checkout (the fields of POST /addresses, without kind). */
export interface GuestAddressInput {
  /** Ignored by the service (the field says which address it is); the generated type asks for it. */
  kind: 'shipping' | 'billing';
  is_default: false;
  full_name: string;
  line1: string;
  line2?: string;
  city: string;
  state?: string;
  postal_code: string;
  country: string;
  phone?: string;
}

export interface CreateGuestIntentInput {
  email: string;
  shipping_address: GuestAddressInput;
  /** Left out, the service bills the shipping address. */
  billing_address?: GuestAddressInput;
  idempotencyKey: string;
}

/** Guest checkout: the api client sends the guest cart's X-Cart-Token (nobody is signed in). */
export function useCreateGuestPaymentIntent() {
  return useMutation({
    mutationFn: async ({ idempotencyKey, ...body }: CreateGuestIntentInput) => {
      const { data } = await identityApi.post<unknown>('/checkout/create-payment-intent', body, {
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      return parseResponse(guestPaymentIntentSchema, data);
    },
  });
}

/**
 * The order that create-payment-intent opened: its items, addresses and totals to review. A
 * guest's order opens with its order token instead of a sign-in.
 */
export async function fetchCheckoutOrder(orderId: string, orderToken?: string) {
  const { data } = await identityApi.get<unknown>(`/orders/${encodeURIComponent(orderId)}`, {
    headers: orderToken ? { 'X-Order-Token': orderToken } : undefined,
  });
  return parseResponse(orderSchema, data);
}

export function useConfirmCheckout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { order_id: string; payment_method_id?: string }) => {
      const { data } = await identityApi.post<unknown>('/checkout/confirm', input);
      return parseResponse(orderSchema, data);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: cartKeys.cart });
      void queryClient.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}

export function newIdempotencyKey(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

/** The shipping methods for a country, priced for the current cart (cheapest first). */
export function useShippingMethods(country: string | null | undefined, cartSubtotal: string) {
  return useQuery({
    queryKey: ['checkout', 'shipping-methods', country, cartSubtotal],
    enabled: Boolean(country),
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/checkout/shipping-methods', { params: { country } });
      return parseResponse(z.array(shippingOptionSchema), data);
    },
  });
}
