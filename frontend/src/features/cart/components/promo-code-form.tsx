import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { useApplyPromo, useRemovePromo } from '@/features/cart/api/cart-api';
import { describePromoError, promoProblems } from '@/features/cart/lib/promo-problems';
import type { CartPromo } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

/** A promo-code field for the cart and checkout: apply one, or show the applied one with Remove. */
export function PromoCodeForm({ promo, currency }: { promo?: CartPromo | null; currency: string }) {
  const [code, setCode] = useState('');
  const apply = useApplyPromo();
  const remove = useRemovePromo();

  function submit(event: FormEvent) {
    event.preventDefault();
    if (code.trim()) apply.mutate(code, { onSuccess: () => setCode('') });
  }

  if (promo) {
    return (
      <div className="space-y-1 text-sm" data-testid="applied-promo">
        <div className="flex items-center justify-between gap-2">
          <span>
            Code <strong>{promo.code}</strong>
            {!promo.problem && <> (−{formatMoney(promo.discount, currency)})</>}
          </span>
          <Button size="sm" variant="ghost" isLoading={remove.isPending} onClick={() => remove.mutate()}>
            Remove
          </Button>
        </div>
        {promo.problem && (
          <p role="alert" className="text-red-700">
            {promoProblems[promo.problem] ?? 'That code does not apply to this cart.'}
          </p>
        )}
      </div>
    );
  }
  return (
    <form onSubmit={submit} className="space-y-1" aria-label="Apply a promo code">
      <div className="flex gap-2">
        <label htmlFor="promo-code" className="sr-only">
          Promo code
        </label>
        <input
          id="promo-code"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          placeholder="Promo code"
          maxLength={64}
          className="min-w-0 flex-1 rounded-md border border-slate-300 px-3 py-1.5 text-sm"
        />
        <Button type="submit" size="sm" variant="secondary" isLoading={apply.isPending}>
          Apply
        </Button>
      </div>
      {apply.isError && (
        <p role="alert" className="text-sm text-red-700">
          {describePromoError(apply.error)}
        </p>
      )}
    </form>
  );
}
