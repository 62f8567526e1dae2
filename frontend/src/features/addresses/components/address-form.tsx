import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { FormError, SelectField, TextField } from '@/components/ui/form-field';
import { addressInputSchema, type AddressInput } from '@/features/addresses/api/addresses-api';
import { countries } from '@/features/addresses/components/countries';
import type { Address, AddressKind } from '@/lib/api-schemas/identity-commerce';
import { useFormErrors, validate } from '@/lib/form';

function emptyAddress(kind: AddressKind): AddressInput {
  return { full_name: '', line1: '', line2: '', city: '', state: '', postal_code: '', country: 'US', phone: '', kind, is_default: false };
}

export function AddressForm({
  initial,
  kind = 'shipping',
  submitLabel = 'Save address',
  isSaving,
  onSubmit,
  onCancel,
}: {
  initial?: Address;
  kind?: AddressKind;
  submitLabel?: string;
  isSaving: boolean;
  onSubmit: (input: AddressInput, handlers: { onError: (error: unknown) => void }) => void;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState<AddressInput>(() =>
    initial
      ? {
          ...initial,
          line2: initial.line2 ?? '',
          state: initial.state ?? '',
          phone: initial.phone ?? '',
        }
      : emptyAddress(kind),
  );
  const errors = useFormErrors();
  const set = (field: keyof AddressInput) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(addressInputSchema, values);
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    onSubmit(checked.data, { onError: (error) => errors.fromServer(error) });
  }

  const countryKnown = countries.some((c) => c.code === values.country);

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-label={initial ? 'Edit address' : 'New address'}>
      <FormError message={errors.formError} />
      <TextField label="Full name" autoComplete="name" value={values.full_name} onChange={set('full_name')} error={errors.fieldErrors.full_name} />
      <TextField label="Address line 1" autoComplete="address-line1" value={values.line1} onChange={set('line1')} error={errors.fieldErrors.line1} />
      <TextField label="Address line 2 (optional)" autoComplete="address-line2" value={values.line2} onChange={set('line2')} error={errors.fieldErrors.line2} />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField label="City" autoComplete="address-level2" value={values.city} onChange={set('city')} error={errors.fieldErrors.city} />
        <TextField label="State / region (optional)" autoComplete="address-level1" value={values.state} onChange={set('state')} error={errors.fieldErrors.state} />
        <TextField label="Postal code" autoComplete="postal-code" value={values.postal_code} onChange={set('postal_code')} error={errors.fieldErrors.postal_code} />
        <SelectField label="Country" autoComplete="country" value={values.country} onChange={set('country')} error={errors.fieldErrors.country}>
          {!countryKnown && <option value={values.country}>{values.country}</option>}
          {countries.map((country) => (
            <option key={country.code} value={country.code}>
              {country.name}
            </option>
          ))}
        </SelectField>
      </div>
      <TextField label="Phone (optional)" type="tel" autoComplete="tel" value={values.phone} onChange={set('phone')} error={errors.fieldErrors.phone} />
      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField label="Use for" value={values.kind} onChange={set('kind')} error={errors.fieldErrors.kind}>
          <option value="shipping">Shipping</option>
          <option value="billing">Billing</option>
        </SelectField>
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input type="checkbox" className="h-4 w-4" checked={values.is_default} onChange={(e) => setValues({ ...values, is_default: e.target.checked })} />
          Make this my default
        </label>
      </div>
      <div className="flex gap-2">
        <Button type="submit" isLoading={isSaving}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}
