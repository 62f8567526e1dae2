import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { identityApi, parseResponse } from '@/lib/api-client';
import { z } from 'zod';

import { toast } from '@/components/ui/toast-store';
import { tokenSchema, userSchema, type User } from '@/lib/api-schemas/identity-commerce';
import { clearGuestCartToken, guestCartToken } from '@/lib/guest-cart';
import { claimGuestOrders } from '@/lib/guest-orders';
import { useSessionStore, type SessionUser } from '@/lib/session-store';

export interface LoginInput {
  email: string;
  password: string;
}

export interface SignupInput extends LoginInput {
  first_name: string;
  last_name: string;
  phone?: string;
}

const mergeSchema = z.object({
  adjusted: z.array(z.object({ sku: z.string(), requested: z.number(), quantity: z.number(), reason: z.string() })),
});

export const authKeys = {
  me: (token: string | null) => ['auth', 'me', token] as const,
};

export async function fetchMe(): Promise<User> {
  const { data } = await identityApi.get<unknown>('/auth/me');
  return parseResponse(userSchema, data);
}

async function login(input: LoginInput) {
  const { data } = await identityApi.post<unknown>('/auth/login', input);
  return parseResponse(tokenSchema, data);
}

/** A cart filled before signing in joins the account's cart; lines that could not move in
 * full (not enough stock) are named in a toast. A failed merge keeps the guest cart for the
 * next sign-in rather than failing the sign-in. */
async function mergeGuestCart(): Promise<void> {
  const cartToken = guestCartToken();
  if (!cartToken) return;
  try {
    const { data } = await identityApi.post<unknown>('/cart/merge', { cart_token: cartToken });
    clearGuestCartToken();
    const adjusted = parseResponse(mergeSchema, data).adjusted;
    if (adjusted.length) {
      const lines = adjusted.map((a) => `${a.sku}: ${a.quantity} of ${a.requested}`).join(', ');
      toast.info(`Your cart was merged; some lines were reduced to what is in stock (${lines}).`);
    } else {
      toast.success('The items you added before signing in are in your cart.');
    }
  } catch {
    // kept for the next sign-in
  }
}

/** Orders placed as a guest in this browser with this account's email join the account
 * (once the email is confirmed; until then a toast says what is waiting for it). */
export async function claimGuestOrdersOf(me: User): Promise<void> {
  const outcome = await claimGuestOrders(me);
  if (outcome.claimed.length === 1) toast.success('Your order placed as a guest is now in your account.');
  else if (outcome.claimed.length > 1) toast.success(`Your ${outcome.claimed.length} orders placed as a guest are now in your account.`);
  if (outcome.waiting.length) {
    toast.info('Confirm your email with the link we sent you, and your order placed as a guest joins your account.');
  }
}

function toSessionUser(user: User): SessionUser {
  return { id: user.id, email: user.email, first_name: user.first_name, last_name: user.last_name, role: user.role };
}

/** Signs in, then loads the profile so the header knows the name and role at once. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: LoginInput) => {
      const token = await login(input);
      useSessionStore.getState().signIn(token.access_token, token.expires_in);
      const me = await fetchMe();
      useSessionStore.getState().setUser(toSessionUser(me));
      await mergeGuestCart();
      await claimGuestOrdersOf(me);
      return me;
    },
    onSuccess: () => {
      // Anything cached for the anonymous visitor (an empty cart, say) is stale now.
      void queryClient.invalidateQueries();
    },
  });
}

export function useSignup() {
  const loginMutation = useLogin();
  return useMutation({
    mutationFn: async (input: SignupInput) => {
      const body = { ...input, phone: input.phone?.trim() ? input.phone.trim() : undefined };
      const { data } = await identityApi.post<unknown>('/auth/signup', body);
      const user = parseResponse(userSchema, data);
      await loginMutation.mutateAsync({ email: input.email, password: input.password });
      return user;
    },
  });
}

/** The profile of the signed-in user; also restores name and role after a reload. */
export function useMe() {
  const token = useSessionStore((state) => state.token);
  return useQuery({
    queryKey: authKeys.me(token),
    enabled: token !== null,
    queryFn: async () => {
      const me = await fetchMe();
      useSessionStore.getState().setUser(toSessionUser(me));
      return me;
    },
    staleTime: 5 * 60_000,
  });
}

export function useUpdateProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { first_name: string; last_name: string; phone?: string | null }) => {
      const { data } = await identityApi.patch<unknown>('/auth/me', input);
      return parseResponse(userSchema, data);
    },
    onSuccess: (user) => {
      useSessionStore.getState().setUser(toSessionUser(user));
      void queryClient.invalidateQueries({ queryKey: ['auth', 'me'] });
    },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return () => {
    useSessionStore.getState().signOut();
    // Drop every cached answer that belonged to the signed-in user.
    queryClient.clear();
  };
}
