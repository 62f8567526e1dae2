import { useMutation, useQueryClient } from '@tanstack/react-query';

import { claimGuestOrdersOf, fetchMe } from '@/features/auth/api/auth-api';
import { identityApi } from '@/lib/api-client';
import { orderKeys } from '@/lib/query-keys';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

export interface PasswordResetConfirmInput {
  token: string;
  new_password: string;
}

/** Always answered the same (202) whether or not the email has an account. */
export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: async (email: string) => {
      await identityApi.post<unknown>('/auth/password-reset', { email });
    },
  });
}

export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: async (input: PasswordResetConfirmInput) => {
      await identityApi.post<unknown>('/auth/password-reset/confirm', input);
    },
  });
}

/** Confirms the email; a signed-in shopper's guest orders of that email then join the account. */
export function useVerifyEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (token: string) => {
      await identityApi.post<unknown>('/auth/verify-email', { token });
      if (!selectIsSignedIn(useSessionStore.getState())) return; // the next sign-in claims them
      try {
        await claimGuestOrdersOf(await fetchMe());
      } catch {
        // the email is confirmed either way; the next sign-in claims the orders
      }
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['auth', 'me'] });
      void queryClient.invalidateQueries({ queryKey: orderKeys.all });
    },
  });
}

export function useResendVerification() {
  return useMutation({
    mutationFn: async () => {
      await identityApi.post<unknown>('/auth/verify-email/resend');
    },
  });
}
