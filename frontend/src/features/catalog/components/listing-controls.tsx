import { useState, type FormEvent } from 'react';

import { Button } from '@/components/ui/button';
import { SelectField, TextField } from '@/components/ui/form-field';
import { sortOptions } from '@/features/catalog/lib/sort-options';
import type { SortOrder } from '@/lib/api-schemas/catalog-fulfillment';


export function SortSelect({ value, onChange }: { value: SortOrder; onChange: (sort: SortOrder) => void }) {
  return (
    <SelectField label="Sort by" value={value} onChange={(e) => onChange(e.target.value as SortOrder)} containerClassName="w-56">
      {sortOptions.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </SelectField>
  );
}

export interface PriceStockFilter {
  min_price: string;
  max_price: string;
  in_stock: boolean;
}

const priceRe = /^\d+(\.\d{1,2})?$/;

/** Price range and in-stock filter; checked locally so the URL never holds nonsense. */
export function FilterPanel({ value, onApply }: { value: PriceStockFilter; onApply: (filter: PriceStockFilter) => void }) {
  const [draft, setDraft] = useState(value);
  const [error, setError] = useState<{ min?: string; max?: string }>({});

  function submit(event: FormEvent) {
    event.preventDefault();
    const next: { min?: string; max?: string } = {};
    if (draft.min_price && !priceRe.test(draft.min_price)) next.min = 'Enter an amount like 10 or 9.99';
    if (draft.max_price && !priceRe.test(draft.max_price)) next.max = 'Enter an amount like 100 or 99.99';
    if (!next.min && !next.max && draft.min_price && draft.max_price && Number(draft.min_price) > Number(draft.max_price)) {
      next.max = 'Must be at least the minimum price';
    }
    setError(next);
    if (next.min || next.max) return;
    onApply(draft);
  }

  return (
    <form onSubmit={submit} aria-label="Filters" className="space-y-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <h2 className="font-medium">Filters</h2>
      <div className="grid grid-cols-2 gap-2">
        <TextField label="Min price" inputMode="decimal" value={draft.min_price} onChange={(e) => setDraft({ ...draft, min_price: e.target.value })} error={error.min} />
        <TextField label="Max price" inputMode="decimal" value={draft.max_price} onChange={(e) => setDraft({ ...draft, max_price: e.target.value })} error={error.max} />
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="h-4 w-4" checked={draft.in_stock} onChange={(e) => setDraft({ ...draft, in_stock: e.target.checked })} />
        In stock only
      </label>
      <div className="flex gap-2">
        <Button type="submit" size="sm">
          Apply filters
        </Button>
        <Button
          variant="ghost"
          size="sm"
          onClick={() => {
            const cleared = { min_price: '', max_price: '', in_stock: false };
            setDraft(cleared);
            setError({});
            onApply(cleared);
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
