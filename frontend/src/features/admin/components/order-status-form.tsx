import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { FormError, SelectField, TextField } from '@/components/ui/form-field';
import { toast } from '@/components/ui/toast-store';
import { nextStatuses, useChangeOrderStatus, type StatusTarget } from '@/features/admin/api/admin-orders-api';
import { ApiError } from '@/lib/api-client';
import type { AdminOrder } from '@/lib/api-schemas/identity-commerce';
import { useFormErrors } from '@/lib/form';
import { statusLabel } from '@/lib/orders';

const carriers = ['UPS', 'FedEx', 'USPS', 'DHL'];

/** Moves an order along the state machine; shipping asks for carrier and tracking number. */
export function OrderStatusForm({ order }: { order: AdminOrder }) {
  const options = nextStatuses[order.status] ?? [];
  const [status, setStatus] = useState<StatusTarget | undefined>(options[0]);
  const [carrier, setCarrier] = useState('UPS');
  const [tracking, setTracking] = useState('');
  const [note, setNote] = useState('');
  const change = useChangeOrderStatus(order.id);
  const errors = useFormErrors();

  if (options.length === 0) {
    return <p className="text-sm text-slate-600">This order is {statusLabel(order.status).toLowerCase()}; there is nothing more to do.</p>;
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    if (!status) return;
    if (status === 'shipped') {
      const missing: Record<string, string> = {};
      if (!carrier.trim()) missing.carrier = 'Enter the carrier';
      if (!tracking.trim()) missing.tracking_number = 'Enter the tracking number';
      if (Object.keys(missing).length) {
        errors.setFieldErrors(missing);
        return;
      }
    }
    if ((status === 'cancelled' || status === 'refunded') && !window.confirm(`Really mark this order ${status}? The customer is refunded where they paid.`)) {
      return;
    }
    change.mutate(
      {
        status,
        carrier: status === 'shipped' ? carrier.trim() : undefined,
        tracking_number: status === 'shipped' ? tracking.trim() : undefined,
        note: note.trim() || undefined,
      },
      {
        onSuccess: (updated) => toast.success(`Order is now ${statusLabel(updated.status).toLowerCase()}`),
        onError: (error) => {
          if (error instanceof ApiError && error.status === 409) errors.setFormError(`Not allowed from ${statusLabel(order.status).toLowerCase()}: ${error.message}`);
          else errors.fromServer(error);
        },
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Change status" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 className="font-semibold">Change status</h2>
      <FormError message={errors.formError} />
      <div className="flex flex-wrap items-start gap-3">
        <SelectField label="New status" value={status ?? ''} onChange={(e) => setStatus(options.find((option) => option === e.target.value))} containerClassName="w-44">
          {options.map((option) => (
            <option key={option} value={option}>
              {statusLabel(option)}
            </option>
          ))}
        </SelectField>
        {status === 'shipped' && (
          <>
            <TextField label="Carrier" list="carriers" value={carrier} onChange={(e) => setCarrier(e.target.value)} error={errors.fieldErrors.carrier} containerClassName="w-40" />
            <datalist id="carriers">
              {carriers.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
            <TextField label="Tracking number" value={tracking} onChange={(e) => setTracking(e.target.value)} error={errors.fieldErrors.tracking_number} containerClassName="w-56" />
          </>
        )}
        <TextField label="Note (optional)" value={note} onChange={(e) => setNote(e.target.value)} error={errors.fieldErrors.note} containerClassName="min-w-48 flex-1" />
      </div>
      <Button type="submit" isLoading={change.isPending}>
        Update status
      </Button>
    </form>
  );
}
