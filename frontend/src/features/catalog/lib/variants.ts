import type { Variant } from '@/lib/api-schemas/catalog-fulfillment';

export type Selection = Record<string, string>;

/** Attribute names in first-seen order, each with its distinct values in first-seen order. */
export function attributeOptions(variants: Variant[]): { name: string; values: string[] }[] {
  const options = new Map<string, string[]>();
  for (const variant of variants) {
    for (const [name, value] of Object.entries(variant.attributes)) {
      const values = options.get(name) ?? [];
      if (!values.includes(value)) values.push(value);
      options.set(name, values);
    }
  }
  return [...options.entries()].map(([name, values]) => ({ name, values }));
}

export function findVariant(variants: Variant[], selection: Selection): Variant | undefined {
  return variants.find((variant) =>
    Object.entries(selection).every(([name, value]) => variant.attributes[name] === value),
  );
}

/** A value can be picked when some variant has it together with the other current choices. */
export function isCombinationPossible(variants: Variant[], selection: Selection, name: string, value: string): boolean {
  const wanted = { ...selection, [name]: value };
  return variants.some((variant) =>
    Object.entries(wanted).every(([key, want]) => variant.attributes[key] === undefined || variant.attributes[key] === want),
  );
}

/** The catalog tells shoppers stock levels, not counts: anything but out_of_stock can be bought. */
export function isSellable(variant: Variant): boolean {
  return variant.stock_level !== 'out_of_stock';
}

/** True when every variant with this value (and the other current choices) is sold out. */
export function isValueSoldOut(variants: Variant[], selection: Selection, name: string, value: string): boolean {
  const wanted = { ...selection, [name]: value };
  const matching = variants.filter((variant) =>
    Object.entries(wanted).every(([key, want]) => variant.attributes[key] === undefined || variant.attributes[key] === want),
  );
  return matching.length > 0 && matching.every((variant) => !isSellable(variant));
}

/**
 * Choosing a value that does not combine with the rest keeps the new value and moves the other
 * attributes to the closest variant that has it (preferring one in stock).
 */
export function selectValue(variants: Variant[], selection: Selection, name: string, value: string): Selection {
  const wanted = { ...selection, [name]: value };
  if (findVariant(variants, wanted)) return wanted;
  const candidates = variants.filter((variant) => variant.attributes[name] === value);
  const best = candidates.find(isSellable) ?? candidates[0];
  return best ? { ...best.attributes } : wanted;
}

/** Start on the first variant in stock, or the first one. */
export function initialSelection(variants: Variant[]): Selection {
  const first = variants.find(isSellable) ?? variants[0];
  return first ? { ...first.attributes } : {};
}
