import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { FormError, TextField } from '@/components/ui/form-field';
import { toast } from '@/components/ui/toast-store';
import { newIdempotencyKey, useRefundOrder } from '@/features/admin/api/admin-aftersale-api';
import { refundableUnits } from '@/features/admin/lib/refunds';
import { ApiError } from '@/lib/api-client';
import type { AdminOrder } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

const REFUNDABLE = new Set(['paid', 'processing', 'shipped', 'delivered', 'partially_refunded']);

/**
 * Refund some lines of an order (at the price paid, the service computes the amount), optionally
 * its shipping, and put the lines back on the shelf. One Idempotency-Key per refund: a retry of
 * the same submit (a lost answer) cannot refund twice.
 */
export function RefundForm({ order }: { order: AdminOrder }) {
  const [open, setOpen] = useState(false);
  const left = refundableUnits(order);
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [restock, setRestock] = useState(true);
  const [includeShipping, setIncludeShipping] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const refund = useRefundOrder(order.id);

  if (!REFUNDABLE.has(order.status)) return null;
  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Refund items
      </Button>
    );
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const lines = Object.entries(quantities)
      .filter(([, quantity]) => quantity > 0)
      .map(([sku, quantity]) => ({ sku, quantity }));
    if (lines.length === 0 && !includeShipping) return setError('Choose at least one item or the shipping');
    if (!reason.trim()) return setError('Say why (the customer sees it in the email)');
    refund.mutate(
      { request: { lines, restock, include_shipping: includeShipping, reason: reason.trim() }, key },
      {
        onSuccess: ({ refund: made }) => {
          toast.success(`Refunded ${formatMoney(made.amount, order.currency)}`);
          setKey(newIdempotencyKey());
          setQuantities({});
          setReason('');
          setOpen(false);
        },
        onError: (failure) => setError(failure instanceof ApiError ? failure.message : String(failure)),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Refund" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 className="font-semibold">Refund</h2>
      <FormError message={error} />
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left">
            <th>Item</th>
            <th className="text-right">Refundable</th>
            <th className="text-right">Refund</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((item) => (
            <tr key={item.sku}>
              <td>
                {item.name || item.sku} <span className="text-xs text-slate-600">({item.sku})</span>
              </td>
              <td className="text-right">{left[item.sku] ?? 0}</td>
              <td className="w-28 text-right">
                <TextField
                  label={`Units of ${item.sku} to refund`}
                  type="number"
                  min={0}
                  max={left[item.sku] ?? 0}
                  value={quantities[item.sku] ?? 0}
                  disabled={(left[item.sku] ?? 0) === 0}
                  onChange={(e) => setQuantities({ ...quantities, [item.sku]: Math.min(left[item.sku] ?? 0, Math.max(0, Number(e.target.value) || 0)) })}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={restock} onChange={(e) => setRestock(e.target.checked)} /> Put the refunded items back in stock
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={includeShipping} onChange={(e) => setIncludeShipping(e.target.checked)} /> Also refund the shipping (
        {formatMoney(order.shipping, order.currency)})
      </label>
      <TextField label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      <p className="text-xs text-slate-600">Each item is refunded at the price paid, with its share of any discount and the tax.</p>
      <div className="flex gap-2">
        <Button type="submit" isLoading={refund.isPending}>
          Refund
        </Button>
        <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
          Close
        </Button>
      </div>
    </form>
  );
}
