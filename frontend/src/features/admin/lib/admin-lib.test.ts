import { describe, expect, it } from 'vitest';

import { checkProductForm, emptyVariant, parseAttributes, toFormValues } from '@/features/admin/lib/product-form';
import { bucketLabel, lastDays, rangeProblem } from '@/features/admin/lib/report-range';

describe('report range', () => {
  it('covers the last days up to today and refuses a reversed range', () => {
    const today = new Date(2026, 10, 21, 12);
    expect(lastDays(14, today)).toEqual({ from: '2026-11-08', to: '2026-11-21' });
    expect(rangeProblem({ from: '2026-11-08', to: '2026-11-21' })).toBeNull();
    expect(rangeProblem({ from: '2026-11-22', to: '2026-11-21' })).toMatch(/must not be after/);
    expect(rangeProblem({ from: '', to: '2026-11-21' })).toBe('Pick both dates.');
  });

  it('labels buckets by interval', () => {
    expect(bucketLabel('2025-03-10', 'day')).toBe('Mar 10');
    expect(bucketLabel('2025-03-10', 'week')).toBe('Week of Mar 10');
    expect(bucketLabel('2025-03-01', 'month')).toBe('March 2025');
  });
});

describe('product form', () => {
  it('parses attributes written as name=value pairs', () => {
    expect(parseAttributes('colour=Black, storage=256 GB')).toEqual({ colour: 'Black', storage: '256 GB' });
    expect(parseAttributes('')).toEqual({});
    expect(parseAttributes('colour')).toBeNull();
  });

  it('reports every problem next to its field', () => {
    const values = toFormValues();
    values.variants = [{ ...emptyVariant(), sku: 'bad sku', price: '12.345', attributes: 'size' }];
    const result = checkProductForm(values);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toMatchObject({
      name: expect.any(String) as unknown,
      category_id: expect.any(String) as unknown,
      'variants.0.sku': expect.any(String) as unknown,
      'variants.0.name': expect.any(String) as unknown,
      'variants.0.price': expect.any(String) as unknown,
      'variants.0.attributes': expect.any(String) as unknown,
    });
  });

  it('builds the request body', () => {
    const values = {
      ...toFormValues(),
      name: ' Desk ',
      category_id: 'c1',
      images: [{ key: 'i', url: 'https://img.test/desk.jpg', alt: 'Desk' }],
      variants: [{ ...emptyVariant(), sku: 'DESK-1', name: 'Oak', attributes: 'wood=Oak', price: '199.5', on_hand: '7', reorder_level: '2' }],
    };
    const result = checkProductForm(values);
    expect(result).toEqual({
      ok: true,
      input: {
        name: 'Desk',
        slug: undefined,
        brand: null,
        description: '',
        category_id: 'c1',
        currency: 'USD',
        images: [{ url: 'https://img.test/desk.jpg', alt: 'Desk' }],
        variants: [{ sku: 'DESK-1', name: 'Oak', attributes: { wood: 'Oak' }, price: '199.5', on_hand: 7, reorder_level: 2 }],
      },
    });
  });
});
