import { useState } from 'react';
import type { z } from 'zod';

import { ApiError } from '@/lib/api-client';

export type FieldErrors = Record<string, string>;

/** Client-side check before sending: the first message per field, keyed by the field name. */
export function validate<T extends z.ZodType>(
  schema: T,
  values: unknown,
): { ok: true; data: z.infer<T> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.');
    if (key && !errors[key]) errors[key] = issue.message;
  }
  return { ok: false, errors };
}

/**
 * Field errors from both sides: our own validation before sending and the server's 422 details
 * after, shown next to the same fields. `formError` is for what belongs to no single field.
 */
export function useFormErrors() {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);

  function fromServer(error: unknown, fieldMessages: Partial<Record<number, FieldErrors>> = {}) {
    if (error instanceof ApiError) {
      const mapped = fieldMessages[error.status];
      if (mapped) {
        setFieldErrors(mapped);
        setFormError(null);
        return;
      }
      setFieldErrors(error.fieldErrors);
      setFormError(Object.keys(error.fieldErrors).length ? null : error.message);
      return;
    }
    setFormError('Something went wrong. Please try again.');
  }

  function reset() {
    setFieldErrors({});
    setFormError(null);
  }

  return { fieldErrors, setFieldErrors, formError, setFormError, fromServer, reset };
}
