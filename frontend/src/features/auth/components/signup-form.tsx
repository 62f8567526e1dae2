import { useState, type FormEvent } from 'react';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { useSignup } from '@/features/auth/api/auth-api';
import { useFormErrors, validate } from '@/lib/form';

const signupSchema = z.object({
  first_name: z.string().trim().min(1, 'Enter your first name'),
  last_name: z.string().trim().min(1, 'Enter your last name'),
  email: z.email('Enter a valid email address'),
  password: z.string().min(8, 'Use at least 8 characters'),
  phone: z
    .string()
    .trim()
    .refine((value) => value === '' || /^\+?[0-9 ()-]{6,20}$/.test(value), 'Enter a phone number like +1 555 0100')
    .optional(),
});

/** `initialEmail` prefills the form (the guest checkout's "create an account with this email"). */
export function SignupForm({ onSuccess, initialEmail = '' }: { onSuccess: () => void; initialEmail?: string }) {
  const [values, setValues] = useState({ first_name: '', last_name: '', email: initialEmail, password: '', phone: '' });
  const signup = useSignup();
  const errors = useFormErrors();

  const set = (field: keyof typeof values) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(signupSchema, { ...values, email: values.email.trim() });
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    signup.mutate(checked.data, {
      onSuccess,
      onError: (error) =>
        errors.fromServer(error, { 409: { email: 'An account with this email already exists. Try signing in.' } }),
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError message={errors.formError} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="First name" autoComplete="given-name" value={values.first_name} onChange={set('first_name')} error={errors.fieldErrors.first_name} required />
        <TextField label="Last name" autoComplete="family-name" value={values.last_name} onChange={set('last_name')} error={errors.fieldErrors.last_name} required />
      </div>
      <TextField label="Email" type="email" autoComplete="email" value={values.email} onChange={set('email')} error={errors.fieldErrors.email} required />
      <TextField
        label="Password"
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={set('password')}
        error={errors.fieldErrors.password}
        hint="At least 8 characters"
        required
      />
      <TextField label="Phone (optional)" type="tel" autoComplete="tel" value={values.phone} onChange={set('phone')} error={errors.fieldErrors.phone} hint="For text updates about your orders" />
      <Button type="submit" isLoading={signup.isPending} className="w-full">
        Create account
      </Button>
    </form>
  );
}
