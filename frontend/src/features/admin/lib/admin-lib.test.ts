import { describe, expect, it } from 'vitest';

import { dailyStats } from '@/features/admin/lib/daily-stats';
import { checkProductForm, emptyVariant, parseAttributes, toFormValues } from '@/features/admin/lib/product-form';

describe('dailyStats', () => {
  it('counts orders per day and sums revenue of paid orders exactly', () => {
    const today = new Date('2026-11-21T12:00:00Z');
    const stats = dailyStats(
      [
        { created_at: '2026-11-21T08:00:00Z', total: '0.10', status: 'paid' },
        { created_at: '2026-11-21T09:00:00Z', total: '0.20', status: 'shipped' },
        { created_at: '2026-11-21T10:00:00Z', total: '50.00', status: 'payment_failed' },
        { created_at: '2026-11-19T10:00:00Z', total: '10.00', status: 'delivered' },
        { created_at: '2026-10-01T10:00:00Z', total: '99.00', status: 'paid' },
      ],
      3,
      today,
    );
    expect(stats.map((s) => [s.day, s.orders, s.revenue])).toEqual([
      ['2026-11-19', 1, '10.00'],
      ['2026-11-20', 0, '0.00'],
      ['2026-11-21', 3, '0.30'],
    ]);
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
