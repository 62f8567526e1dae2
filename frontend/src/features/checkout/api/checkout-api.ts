import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { cartKeys } from '@/features/cart/api/cart-api';
import { orderKeys } from '@/features/orders/api/orders-api';
import { orderSchema } from '@/features/orders/api/schemas';
import { identityApi, parseResponse } from '@/lib/api-client';
import { moneySchema } from '@/lib/schemas';

export const paymentIntentSchema = z.object({
  order_id: z.string(),
  payment_intent_id: z.string(),
  client_secret: z.string(),
  amount: z.union([z.number(), z.string()]),
  currency: z.string(),
  status: z.string(),
  reservation_expires_at: z.string().nullish(),
  subtotal: moneySchema.optional(),
  shipping: moneySchema.optional(),
  tax: moneySchema.optional(),
  total: moneySchema.optional(),
});
export type PaymentIntent = z.infer<typeof paymentIntentSchema>;

export interface CreateIntentInput {
  shipping_address_id: string;
  billing_address_id: string;
  /** One key per checkout attempt: a double click or a retried request reuses the first order. */
  idempotencyKey: string;
}

export function useCreatePaymentIntent() {
  return useMutation({
    mutationFn: async ({ idempotencyKey, ...body }: CreateIntentInput) => {
      const { data } = await identityApi.post<unknown>('/checkout/create-payment-intent', body, {
        headers: { 'Idempotency-Key': idempotencyKey },
      });
      return parseResponse(paymentIntentSchema, data);
    },
  });
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
