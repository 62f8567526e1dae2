import type { ShippingOption } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

/** Radio choice of the shipping methods offered for the address (the first, cheapest, by default). */
export function ShippingMethodChoice({
  options,
  selectedId,
  onSelect,
  currency,
}: {
  options: ShippingOption[];
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  currency: string;
}) {
  const chosen = selectedId ?? options[0]?.id ?? null;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">Shipping method</legend>
      {options.map((option) => (
        <label key={option.id ?? option.name} className="flex items-center justify-between gap-3 rounded-md bg-white p-3 text-sm ring-1 ring-slate-200">
          <span className="flex items-center gap-2">
            <input type="radio" name="shipping-method" className="h-4 w-4" checked={option.id === chosen} onChange={() => onSelect(option.id)} />
            <span>
              {option.name}
              {option.delivery_estimate && <span className="text-slate-600"> · {option.delivery_estimate}</span>}
            </span>
          </span>
          <span>{Number(option.price) === 0 ? 'Free' : formatMoney(option.price, currency)}</span>
        </label>
      ))}
    </fieldset>
  );
}
