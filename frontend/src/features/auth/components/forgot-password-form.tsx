import { useState, type FormEvent } from 'react';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { useRequestPasswordReset } from '@/features/auth/api/account-links-api';
import { ApiError } from '@/lib/api-client';
import { useFormErrors, validate } from '@/lib/form';

const forgotSchema = z.object({ email: z.email('Enter a valid email address') });

/** Asks for a reset link. The answer never says whether the email has an account. */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const request = useRequestPasswordReset();
  const errors = useFormErrors();

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(forgotSchema, { email: email.trim() });
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    request.mutate(checked.data.email, {
      onSuccess: () => setSent(true),
      onError: (error) => {
        if (error instanceof ApiError && error.status === 429) {
          errors.setFormError('Too many requests for this address. Try again in an hour.');
        } else {
          errors.fromServer(error);
        }
      },
    });
  }

  if (sent) {
    return (
      <p role="status" className="text-sm text-slate-700">
        If an account exists for {email.trim()}, we sent it a link to choose a new password. The link works once,
        within the hour.
      </p>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError message={errors.formError} />
      <TextField
        label="Email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        error={errors.fieldErrors.email}
        required
      />
      <Button type="submit" isLoading={request.isPending} className="w-full">
        Send me a reset link
      </Button>
    </form>
  );
}
