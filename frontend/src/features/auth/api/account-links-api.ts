import { useMutation } from '@tanstack/react-query';

import { identityApi } from '@/lib/api-client';

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

export function useVerifyEmail() {
  return useMutation({
    mutationFn: async (token: string) => {
      await identityApi.post<unknown>('/auth/verify-email', { token });
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
