import { useState, type FormEvent } from 'react';
import { z } from 'zod';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { toast } from '@/components/ui/toast-store';
import { useUpdateProfile } from '@/features/auth/api/auth-api';
import type { User } from '@/lib/api-schemas/identity-commerce';
import { useFormErrors, validate } from '@/lib/form';

const profileSchema = z.object({
  first_name: z.string().trim().min(1, 'Enter your first name'),
  last_name: z.string().trim().min(1, 'Enter your last name'),
  phone: z
    .string()
    .trim()
    .refine((value) => value === '' || /^\+?[0-9 ()-]{6,20}$/.test(value), 'Enter a phone number like +1 555 0100'),
});

export function ProfileForm({ user }: { user: User }) {
  const [values, setValues] = useState({ first_name: user.first_name, last_name: user.last_name, phone: user.phone ?? '' });
  const update = useUpdateProfile();
  const errors = useFormErrors();

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(profileSchema, values);
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    update.mutate(
      { ...checked.data, phone: checked.data.phone || null },
      { onSuccess: () => toast.success('Profile saved'), onError: (error) => errors.fromServer(error) },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label="Profile">
      <FormError message={errors.formError} />
      <p className="text-sm text-slate-700">
        Signed in as <span className="font-medium">{user.email}</span>
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="First name" autoComplete="given-name" value={values.first_name} onChange={(e) => setValues({ ...values, first_name: e.target.value })} error={errors.fieldErrors.first_name} />
        <TextField label="Last name" autoComplete="family-name" value={values.last_name} onChange={(e) => setValues({ ...values, last_name: e.target.value })} error={errors.fieldErrors.last_name} />
      </div>
      <TextField label="Phone" type="tel" autoComplete="tel" value={values.phone} onChange={(e) => setValues({ ...values, phone: e.target.value })} error={errors.fieldErrors.phone} />
      <Button type="submit" isLoading={update.isPending}>
        Save profile
      </Button>
    </form>
  );
}
