import { describe, expect, it } from 'vitest';

import { orderStores } from '@/features/stores/lib/store-order';
import type { Store } from '@/lib/api-schemas/catalog-fulfillment';

const store = (id: string, name: string, city: string, country: string, distance_km: number | null = null) =>
  ({ id, name, city, country, distance_km, lat: 0, lng: 0 }) as Store;

const stores = [
  store('5', 'Shop Loop', 'Chicago', 'US', 800),
  store('1', 'Shop Mitte', 'Berlin', 'DE', 3),
  store('4', 'Shop Brooklyn', 'New York', 'US', 800),
  store('2', 'Shop Kreuzberg', 'Berlin', 'DE', 2.5),
  store('3', 'Shop Camden', 'London', 'GB', 900),
];

describe('store order', () => {
  it('without a location: by country, then city, then name', () => {
    expect(orderStores(stores, false).map((s) => s.name)).toEqual([
      'Shop Kreuzberg',
      'Shop Mitte',
      'Shop Camden',
      'Shop Loop',
      'Shop Brooklyn',
    ]);
  });

  it('with a location: nearest first, equal distances by place', () => {
    expect(orderStores(stores, true).map((s) => s.name)).toEqual([
      'Shop Kreuzberg',
      'Shop Mitte',
      'Shop Loop',
      'Shop Brooklyn',
      'Shop Camden',
    ]);
  });

  it('is the same whatever order the answer came in, and leaves the answer alone', () => {
    const reversed = [...stores].reverse();
    expect(orderStores(reversed, false)).toEqual(orderStores(stores, false));
    expect(orderStores(reversed, true)).toEqual(orderStores(stores, true));
    expect(reversed[0]!.id).toBe('3');
  });
});
