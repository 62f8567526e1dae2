import { useState, type FormEvent } from 'react';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { useResendVerification } from '@/features/auth/api/account-links-api';
import { ApiError, identityApi } from '@/lib/api-client';
import { useFormErrors, validate } from '@/lib/form';
import { useSessionStore } from '@/lib/session-store';
import { useMutation } from '@tanstack/react-query';

/** Unverified accounts can shop but not review: say so, and offer a new link. */
export function EmailVerificationNotice({ email }: { email: string }) {
  const resend = useResendVerification();
  return (
    <div role="note" className="rounded-md bg-amber-50 p-4 text-sm ring-1 ring-amber-200">
      <p>
        Your email {email} is not confirmed yet. You can shop as usual; to write reviews, open the link we emailed you.
      </p>
      {resend.isSuccess ? (
        <p role="status" className="mt-2">
          A new link is on its way.
        </p>
      ) : (
        <Button className="mt-2" variant="secondary" isLoading={resend.isPending} onClick={() => resend.mutate()}>
          Send the link again
        </Button>
      )}
      {resend.isError && (
        <p role="alert" className="mt-2 text-red-700">
          {resend.error instanceof ApiError && resend.error.status === 429
            ? 'Too many emails sent already; try again in an hour.'
            : 'Could not send the link; try again.'}
        </p>
      )}
    </div>
  );
}

const passwordSchema = z
  .object({
    current_password: z.string().min(1, 'Enter your current password'),
    new_password: z.string().min(8, 'At least 8 characters').max(128, 'At most 128 characters'),
  })
  .refine((v) => v.current_password !== v.new_password, { path: ['new_password'], message: 'Choose a different password' });

/** Changing the password ends every session: the shopper signs in again afterwards. */
export function ChangePasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const errors = useFormErrors();
  const change = useMutation({
    mutationFn: async (body: { current_password: string; new_password: string }) => {
      await identityApi.post<unknown>('/auth/me/password', body);
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(passwordSchema, { current_password: current, new_password: next });
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    change.mutate(checked.data, {
      onSuccess: () => useSessionStore.getState().signOut(),
      onError: (error) =>
        errors.fromServer(error, { 400: { current_password: 'The current password is not correct' } }),
    });
  }

  return (
    <form onSubmit={submit} noValidate className="max-w-xl space-y-4" aria-label="Change password">
      <FormError message={errors.formError} />
      <TextField
        label="Current password"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={(e) => setCurrent(e.target.value)}
        error={errors.fieldErrors.current_password}
        required
      />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={(e) => setNext(e.target.value)}
        error={errors.fieldErrors.new_password}
        required
      />
      <Button type="submit" isLoading={change.isPending}>
        Change password
      </Button>
    </form>
  );
}
