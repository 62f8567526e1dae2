import { z } from 'zod';

import type { GuestAddressInput } from '@/features/checkout/api/checkout-api';

/** The address fields a guest types in (every value a string while editing). */
export interface GuestAddressValues {
  full_name: string;
  line1: string;
  line2: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
  phone: string;
}

export interface GuestDetailsValues {
  email: string;
  shipping: GuestAddressValues;
  billingSameAsShipping: boolean;
  billing: GuestAddressValues;
}

export function emptyGuestAddress(): GuestAddressValues {
  return { full_name: '', line1: '', line2: '', city: '', state: '', postal_code: '', country: 'US', phone: '' };
}

// The same rules as the address book's form (and the service's GuestAddressIn).
const addressSchema = z.object({
  full_name: z.string().trim().min(1, 'Enter the full name'),
  line1: z.string().trim().min(1, 'Enter the street address'),
  line2: z.string().trim(),
  city: z.string().trim().min(1, 'Enter the city'),
  state: z.string().trim(),
  postal_code: z.string().trim().min(2, 'Enter the postal code').max(16, 'That postal code is too long'),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Choose a country'),
  phone: z.string().trim(),
});

/**
 * Checked before sending; error keys are the body's paths (`shipping_address.city`), the same
 * the service names in a 422, so both land next to the same field.
 */
export const guestDetailsSchema = z
  .object({
    email: z.email('Enter a valid email address'),
    shipping_address: addressSchema,
    billing_address: addressSchema.optional(),
  })
  .transform(({ email, shipping_address, billing_address }) => ({
    email,
    shipping_address: toBody(shipping_address, 'shipping'),
    ...(billing_address ? { billing_address: toBody(billing_address, 'billing') } : {}),
  }));

function toBody(values: z.infer<typeof addressSchema>, kind: 'shipping' | 'billing'): GuestAddressInput {
  // Optional text left empty is "not given", not an empty string the service must validate.
  return {
    kind,
    is_default: false,
    full_name: values.full_name,
    line1: values.line1,
    city: values.city,
    postal_code: values.postal_code,
    country: values.country,
    ...(values.line2 ? { line2: values.line2 } : {}),
    ...(values.state ? { state: values.state } : {}),
    ...(values.phone ? { phone: values.phone } : {}),
  };
}

/** What the form holds, in the shape the schema checks (billing only when it differs). */
export function guestDetailsInput(values: GuestDetailsValues) {
  return {
    email: values.email.trim(),
    shipping_address: values.shipping,
    billing_address: values.billingSameAsShipping ? undefined : values.billing,
  };
}

const GUEST_FIELD = /^(email|shipping_address\.\w+|billing_address\.\w+)$/;

/**
 * The service's 422 field errors as the guest form names its fields. The route accepts either
 * checkout's body, so pydantic may name the union member first
 * (`GuestCreatePaymentIntentIn.shipping_address.city`) and add complaints about the account
 * body's fields, which a guest never sees; those are dropped.
 */
export function guestFieldErrors(serverErrors: Record<string, string>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, message] of Object.entries(serverErrors)) {
    const path = key.replace(/^GuestCreatePaymentIntentIn\./, '');
    if (GUEST_FIELD.test(path) && !fields[path]) fields[path] = message;
  }
  return fields;
}
