import { useId, useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast-store';
import { useSetStock } from '@/features/admin/api/admin-inventory-api';
import { ApiError } from '@/lib/api-client';

export function SetStockForm({ sku, current, compact = false }: { sku: string; current: number; compact?: boolean }) {
  const [value, setValue] = useState(String(current));
  const [error, setError] = useState<string | null>(null);
  const setStock = useSetStock();
  const id = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    const onHand = Number(value);
    if (!/^\d+$/.test(value.trim()) || onHand > 10_000_000) {
      setError('Enter a whole number of units, 0 or more');
      return;
    }
    setError(null);
    setStock.mutate(
      { sku, on_hand: onHand },
      {
        onSuccess: (level) => toast.success(`${sku}: ${level.on_hand} on hand, ${level.available} available`),
        onError: (err) => setError(err instanceof ApiError && err.status === 409 ? 'Lower than the units already reserved' : err.message),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-wrap items-center gap-2">
      <label htmlFor={id} className={compact ? 'sr-only' : 'text-sm font-medium'}>
        On hand for {sku}
      </label>
      <input
        id={id}
        inputMode="numeric"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        className="w-24 rounded-md border border-slate-300 px-2 py-1 text-sm"
      />
      <Button type="submit" size="sm" isLoading={setStock.isPending}>
        Save
      </Button>
      {error && (
        <p id={`${id}-error`} className="basis-full text-xs text-red-700">
          {error}
        </p>
      )}
    </form>
  );
}
