import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { toast } from '@/components/ui/toast-store';
import { useRequestReturn } from '@/features/orders/api/returns-api';
import { ApiError } from '@/lib/api-client';
import type { Order } from '@/lib/api-schemas/identity-commerce';

const RETURNABLE = new Set(['delivered', 'partially_refunded']);

/** Units a shopper can still ask back: not refunded and not in an open return. */
function returnableUnits(order: Order): Record<string, number> {
  const left: Record<string, number> = {};
  for (const item of order.items) left[item.sku] = (left[item.sku] ?? 0) + item.quantity;
  const taken = [
    ...(order.payment?.refunds ?? []).flatMap((refund) => refund.lines),
    ...order.returns.filter((r) => r.status === 'requested' || r.status === 'approved').flatMap((r) => r.lines),
  ];
  for (const line of taken) left[line.sku] = Math.max(0, (left[line.sku] ?? 0) - line.quantity);
  return left;
}

/** "Return items" on a delivered order: choose units and say why; the shop approves and refunds. */
export function ReturnItemsForm({ order }: { order: Order }) {
  const [open, setOpen] = useState(false);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const request = useRequestReturn(order.id);
  const delivered = order.timeline.some((entry) => entry.status === 'delivered');
  const left = returnableUnits(order);
  if (!RETURNABLE.has(order.status) || !delivered || Object.values(left).every((n) => n === 0)) return null;
  if (!open) {
    return (
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        Return items
      </Button>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const lines = Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([sku, quantity]) => ({ sku, quantity }));
    if (lines.length === 0) return setError('Choose what you want to return');
    if (!reason.trim()) return setError('Tell us why you are returning it');
    request.mutate(
      { lines, reason: reason.trim() },
      {
        onSuccess: () => {
          toast.success('Return requested: we will email you the next steps');
          setOpen(false);
          setQuantities({});
          setReason('');
        },
        onError: (failure) => setError(failure instanceof ApiError ? failure.message : String(failure)),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Return items" className="w-full space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 className="font-semibold">Return items</h2>
      <FormError message={error} />
      {order.items.map((item) => (
        <TextField
          key={item.sku}
          label={`${item.name || item.sku}: units to return (up to ${left[item.sku] ?? 0})`}
          type="number"
          min={0}
          max={left[item.sku] ?? 0}
          disabled={(left[item.sku] ?? 0) === 0}
          value={quantities[item.sku] ?? 0}
          onChange={(e) => setQuantities({ ...quantities, [item.sku]: Math.min(left[item.sku] ?? 0, Math.max(0, Number(e.target.value) || 0)) })}
          containerClassName="max-w-sm"
        />
      ))}
      <TextField label="Why are you returning it?" value={reason} onChange={(e) => setReason(e.target.value)} />
      <div className="flex gap-2">
        <Button type="submit" isLoading={request.isPending}>
          Request return
        </Button>
        <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
          Close
        </Button>
      </div>
    </form>
  );
}
