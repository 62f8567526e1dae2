import { describe, expect, it } from 'vitest';

import { attributeOptions, findVariant, initialSelection, isCombinationPossible, isValueSoldOut, selectValue } from '@/features/catalog/lib/variants';
import { productDetailSchema, variantSchema } from '@/lib/api-schemas/catalog-fulfillment';
import { laptop } from '@/test/fixtures';

const variants = productDetailSchema.parse(laptop).variants;

describe('variant selection', () => {
  it('lists each attribute with its values in order', () => {
    expect(attributeOptions(variants)).toEqual([
      { name: 'memory', values: ['8 GB', '16 GB'] },
      { name: 'colour', values: ['Silver', 'Black'] },
    ]);
  });

  it('starts on the first variant in stock', () => {
    expect(initialSelection(variants)).toEqual({ memory: '8 GB', colour: 'Silver' });
  });

  it('finds the variant for a full selection', () => {
    expect(findVariant(variants, { memory: '16 GB', colour: 'Black' })?.sku).toBe('LAP-13-16-BLK');
  });

  it('knows which combinations exist', () => {
    expect(isCombinationPossible(variants, { memory: '8 GB', colour: 'Silver' }, 'colour', 'Black')).toBe(false);
    expect(isCombinationPossible(variants, { memory: '16 GB', colour: 'Silver' }, 'colour', 'Black')).toBe(true);
  });

  it('marks a value sold out from the stock level alone (no counts are public)', () => {
    expect(variants.every((variant) => variant.available === null)).toBe(true);
    expect(isValueSoldOut(variants, { memory: '16 GB', colour: 'Black' }, 'colour', 'Silver')).toBe(true);
    expect(isValueSoldOut(variants, { memory: '16 GB', colour: 'Silver' }, 'colour', 'Black')).toBe(false);
    // Low stock is still for sale.
    expect(isValueSoldOut(variants, { memory: '16 GB', colour: 'Silver' }, 'memory', '8 GB')).toBe(false);
  });

  it('starts on a low-stock variant rather than a sold-out one', () => {
    const [low, sold] = variants;
    expect(initialSelection([sold!, low!])).toEqual(low!.attributes);
  });

  it('reads stock levels, and exact counts when an admin gets them', () => {
    const base = { id: 'v', sku: 'S', name: 'S', attributes: {}, price: '1.00' };
    expect(variantSchema.parse({ ...base, available: null, stock_level: 'low_stock' })).toMatchObject({ available: null, stock_level: 'low_stock' });
    expect(variantSchema.parse({ ...base, available: 3, stock_level: 'low_stock' })).toMatchObject({ available: 3, stock_level: 'low_stock' });
    // An older answer without a level still tells sold out from for sale.
    expect(variantSchema.parse({ ...base, available: 0 }).stock_level).toBe('out_of_stock');
    expect(variantSchema.parse({ ...base, in_stock: false }).stock_level).toBe('out_of_stock');
    expect(variantSchema.parse({ ...base, stock_level: 'plenty' }).stock_level).toBe('in_stock');
  });

  it('moves the other attributes to a variant that has the picked value, preferring stock', () => {
    expect(selectValue(variants, { memory: '8 GB', colour: 'Silver' }, 'colour', 'Black')).toEqual({ memory: '16 GB', colour: 'Black' });
    expect(selectValue(variants, { memory: '8 GB', colour: 'Silver' }, 'memory', '16 GB')).toEqual({ memory: '16 GB', colour: 'Silver' });
  });
});
