import clsx from 'clsx';

import { attributeOptions, isCombinationPossible, isSellable, isValueSoldOut, selectValue, type Selection } from '@/features/catalog/lib/variants';
import type { Variant } from '@/lib/api-schemas/catalog-fulfillment';

function humanize(name: string) {
  return name.replace(/[_-]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
}

/** One group of toggle buttons per attribute (colour, size, storage…); impossible combinations are dimmed. */
export function VariantPicker({
  variants,
  selection,
  onChange,
  selectedId,
  onSelectVariant,
}: {
  variants: Variant[];
  selection: Selection;
  onChange: (selection: Selection) => void;
  selectedId: string | undefined;
  onSelectVariant: (variant: Variant) => void;
}) {
  const options = attributeOptions(variants);

  // Variants without attributes: choose by name.
  if (options.length === 0) {
    if (variants.length <= 1) return null;
    return (
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Option</legend>
        <div className="flex flex-wrap gap-2">
          {variants.map((variant) => (
            <OptionButton
              key={variant.id}
              label={variant.name || variant.sku}
              checked={variant.id === selectedId}
              possible
              soldOut={!isSellable(variant)}
              onSelect={() => onSelectVariant(variant)}
            />
          ))}
        </div>
      </fieldset>
    );
  }

  return (
    <div className="space-y-4">
      {options.map((option) => (
        <fieldset key={option.name} className="space-y-2">
          <legend className="text-sm font-medium">
            {humanize(option.name)}: <span className="font-normal text-slate-700">{selection[option.name] ?? 'choose'}</span>
          </legend>
          <div className="flex flex-wrap gap-2">
            {option.values.map((value) => (
              <OptionButton
                key={value}
                label={value}
                checked={selection[option.name] === value}
                possible={isCombinationPossible(variants, selection, option.name, value)}
                soldOut={isValueSoldOut(variants, selection, option.name, value)}
                onSelect={() => onChange(selectValue(variants, selection, option.name, value))}
              />
            ))}
          </div>
        </fieldset>
      ))}
    </div>
  );
}

function OptionButton({
  label,
  checked,
  possible,
  soldOut = false,
  onSelect,
}: {
  label: string;
  checked: boolean;
  possible: boolean;
  soldOut?: boolean;
  onSelect: () => void;
}) {
  return (
    <button
      type="button"
      aria-pressed={checked}
      onClick={onSelect}
      className={clsx(
        'rounded-md px-3 py-1.5 text-sm ring-1',
        checked ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-slate-900 ring-slate-300 hover:ring-brand-600',
        !possible && !checked && 'text-slate-500 line-through',
        soldOut && !checked && 'border border-dashed border-slate-400 text-slate-600',
      )}
    >
      {label}
      {soldOut && <span className="sr-only">, sold out</span>}
    </button>
  );
}
