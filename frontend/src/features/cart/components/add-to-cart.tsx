import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast-store';
import { useAddToCart } from '@/features/cart/api/cart-api';
import { ApiError } from '@/lib/api-client';

/** Shoppers never see exact stock, so up to 10 can be picked; the cart answers 409 when that is too many. */
const MAX_QUANTITY = 10;

export function AddToCart({
  sku,
  soldOut,
  available = null,
  label,
}: {
  sku: string | undefined;
  soldOut: boolean;
  /** Exact units, when the catalog gave them (admin sessions); null for shoppers. */
  available?: number | null;
  label: string;
}) {
  const [quantity, setQuantity] = useState(1);
  const [error, setError] = useState<string | null>(null);
  const add = useAddToCart();
  const maxQuantity = Math.max(1, Math.min(available ?? MAX_QUANTITY, MAX_QUANTITY));

  function addToCart() {
    if (!sku) return;
    setError(null);
    add.mutate(
      { sku, quantity },
      {
        onSuccess: () => toast.success(`Added ${quantity} × ${label} to your cart`),
        onError: (err) => {
          const message =
            err instanceof ApiError && err.status === 409
              ? 'Sorry, there is not enough stock for that quantity.'
              : err instanceof ApiError && err.status === 404
                ? 'This option is no longer sold.'
                : err.message;
          setError(message);
          toast.error(message);
        },
      },
    );
  }

  return (
    <div className="space-y-2">
      <div className="flex items-end gap-3">
        <div>
          <label htmlFor="add-quantity" className="block text-sm font-medium">
            Quantity
          </label>
          <select
            id="add-quantity"
            value={quantity}
            disabled={soldOut}
            onChange={(e) => setQuantity(Number(e.target.value))}
            className="mt-1 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          >
            {Array.from({ length: maxQuantity }, (_, i) => i + 1).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
        <Button onClick={addToCart} disabled={!sku || soldOut} isLoading={add.isPending} className="flex-1 sm:flex-none">
          {soldOut ? 'Sold out' : 'Add to cart'}
        </Button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
