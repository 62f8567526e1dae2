import { useState, type FormEvent } from 'react';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { useLogin } from '@/features/auth/api/auth-api';
import { ApiError } from '@/lib/api-client';
import { useFormErrors, validate } from '@/lib/form';

const loginSchema = z.object({
  email: z.email('Enter a valid email address'),
  password: z.string().min(1, 'Enter your password'),
});

export function LoginForm({ onSuccess }: { onSuccess: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useLogin();
  const errors = useFormErrors();

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(loginSchema, { email: email.trim(), password });
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    login.mutate(checked.data, {
      onSuccess,
      onError: (error) => {
        if (error instanceof ApiError && error.status === 401) {
          errors.setFormError('That email and password do not match an account.');
        } else if (error instanceof ApiError && error.status === 429) {
          const wait = error.retryAfter ? ` Try again in about ${Math.ceil(error.retryAfter / 60)} minute(s).` : '';
          errors.setFormError(`Too many attempts.${wait}`);
        } else {
          errors.fromServer(error);
        }
      },
    });
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
      <TextField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.fieldErrors.password}
        required
      />
      <Button type="submit" isLoading={login.isPending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
