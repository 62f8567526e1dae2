import { useState } from 'react';
import { Link } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast-store';
import { useRemoveCartLine, useUpdateCartLine } from '@/features/cart/api/cart-api';
import { ApiError } from '@/lib/api-client';
import { isLineAvailable, type CartLine } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

const MAX_QUANTITY = 99;

export function CartLineItem({ line, currency }: { line: CartLine; currency: string }) {
  const update = useUpdateCartLine();
  const remove = useRemoveCartLine();
  const [error, setError] = useState<string | null>(null);
  const available = isLineAvailable(line);
  const label = line.name || line.sku;

  function changeQuantity(quantity: number) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) {
      setError(`Choose between 1 and ${MAX_QUANTITY}`);
      return;
    }
    setError(null);
    update.mutate(
      { id: line.id, quantity },
      {
        onSuccess: () => toast.success(`${label}: quantity set to ${quantity}`),
        onError: (err) => {
          const message =
            err instanceof ApiError && err.status === 409 ? 'Not enough in stock for that quantity.' : err.message;
          setError(message);
          toast.error(message);
        },
      },
    );
  }

  return (
    <li className="flex flex-wrap items-center gap-4 py-4" data-testid="cart-line">
      <div className="min-w-0 flex-1">
        {line.product_id ? (
          <Link to={`/products/${line.product_id}`} className="font-medium hover:underline">
            {label}
          </Link>
        ) : (
          <span className="font-medium">{label}</span>
        )}
        <p className="text-xs text-slate-600">SKU {line.sku}</p>
        <p className="text-sm text-slate-700">{formatMoney(line.unit_price, currency)} each</p>
        {!available && (
          <Badge tone="danger" className="mt-1">
            Out of stock: remove it or lower the quantity to check out
          </Badge>
        )}
      </div>
      <div className="flex items-center gap-2">
        <label htmlFor={`qty-${line.id}`} className="text-sm">
          Qty
        </label>
        <select
          id={`qty-${line.id}`}
          value={line.quantity}
          disabled={update.isPending}
          onChange={(e) => changeQuantity(Number(e.target.value))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `qty-${line.id}-error` : undefined}
          className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
        >
          {Array.from({ length: Math.max(10, line.quantity) }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <p className="w-24 text-right font-semibold">{formatMoney(line.line_total, currency)}</p>
      <Button
        variant="ghost"
        size="sm"
        isLoading={remove.isPending}
        aria-label={`Remove ${label} from cart`}
        onClick={() => remove.mutate({ id: line.id, label })}
      >
        Remove
      </Button>
      {error && (
        <p id={`qty-${line.id}-error`} role="alert" className="basis-full text-sm text-red-700">
          {error}
        </p>
      )}
    </li>
  );
}
