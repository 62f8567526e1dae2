import { useState, type FormEvent } from 'react';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { useConfirmPasswordReset } from '@/features/auth/api/account-links-api';
import { ApiError } from '@/lib/api-client';
import { useFormErrors, validate } from '@/lib/form';

const resetSchema = z
  .object({
    new_password: z.string().min(8, 'At least 8 characters').max(128, 'At most 128 characters'),
    repeat: z.string(),
  })
  .refine((v) => v.new_password === v.repeat, { path: ['repeat'], message: 'The passwords differ' });

/** Sets a new password with the token from the emailed link. */
export function ResetPasswordForm({ token, onSuccess }: { token: string; onSuccess: () => void }) {
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const confirm = useConfirmPasswordReset();
  const errors = useFormErrors();

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(resetSchema, { new_password: password, repeat });
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    confirm.mutate(
      { token, new_password: checked.data.new_password },
      {
        onSuccess,
        onError: (error) => {
          if (error instanceof ApiError && (error.status === 400 || error.status === 422)) {
            errors.setFormError('This link is invalid, was already used or has expired. Ask for a new one.');
          } else {
            errors.fromServer(error);
          }
        },
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError message={errors.formError} />
      <TextField
        label="New password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fieldErrors.new_password}
        required
      />
      <TextField
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        value={repeat}
        onChange={(e) => setRepeat(e.target.value)}
        error={errors.fieldErrors.repeat}
        required
      />
      <Button type="submit" isLoading={confirm.isPending} className="w-full">
        Set new password
      </Button>
    </form>
  );
}
