import { describe, expect, it } from 'vitest';

import { productDetailSchema } from '@/features/catalog/api/schemas';
import { attributeOptions, findVariant, initialSelection, isCombinationPossible, selectValue } from '@/features/catalog/lib/variants';
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

  it('moves the other attributes to a variant that has the picked value, preferring stock', () => {
    expect(selectValue(variants, { memory: '8 GB', colour: 'Silver' }, 'colour', 'Black')).toEqual({ memory: '16 GB', colour: 'Black' });
    expect(selectValue(variants, { memory: '8 GB', colour: 'Silver' }, 'memory', '16 GB')).toEqual({ memory: '16 GB', colour: 'Silver' });
  });
});
