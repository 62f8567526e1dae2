import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { identityApi, parseResponse } from '@/lib/api-client';
import { addressKindSchema, addressSchema, type Address } from '@/lib/api-schemas/identity-commerce';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

/** What the form sends; also the rules it checks before sending. */
export const addressInputSchema = z.object({
  full_name: z.string().trim().min(1, 'Enter the full name'),
  line1: z.string().trim().min(1, 'Enter the street address'),
  line2: z.string().trim().optional(),
  city: z.string().trim().min(1, 'Enter the city'),
  state: z.string().trim().optional(),
  postal_code: z.string().trim().min(2, 'Enter the postal code').max(16, 'That postal code is too long'),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Choose a country'),
  phone: z.string().trim().optional(),
  kind: addressKindSchema,
  is_default: z.boolean(),
});
export type AddressInput = z.infer<typeof addressInputSchema>;

export const addressKeys = { all: ['addresses'] as const };

export function toAddressBody(input: AddressInput) {
  // Optional text left empty is "not given", not an empty string the server must validate.
  return {
    ...input,
    line2: input.line2 || null,
    state: input.state || null,
    phone: input.phone || null,
  };
}

export function useAddresses() {
  const signedIn = useSessionStore(selectIsSignedIn);
  return useQuery({
    queryKey: addressKeys.all,
    enabled: signedIn,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/addresses');
      // Either a bare list or a page {items}: accept both.
      const list = Array.isArray(data) ? data : (data as { items?: unknown }).items;
      return parseResponse(z.array(addressSchema), list);
    },
  });
}

export function useCreateAddress() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: AddressInput) => {
      const { data } = await identityApi.post<unknown>('/addresses', toAddressBody(input));
      return parseResponse(addressSchema, data);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: addressKeys.all }),
  });
}

export function useUpdateAddress() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, input }: { id: string; input: AddressInput }) => {
      const { data } = await identityApi.put<unknown>(`/addresses/${id}`, toAddressBody(input));
      return parseResponse(addressSchema, data);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: addressKeys.all }),
  });
}

export function useDeleteAddress() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      await identityApi.delete(`/addresses/${id}`);
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: addressKeys.all }),
  });
}

export function formatAddress(address: Pick<Address, 'line1' | 'line2' | 'city' | 'state' | 'postal_code' | 'country'>) {
  return [address.line1, address.line2, `${address.postal_code} ${address.city}`, address.state, address.country]
    .filter(Boolean)
    .join(', ');
}
