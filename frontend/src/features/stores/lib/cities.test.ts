import { describe, expect, it } from 'vitest';

import { findCity } from '@/features/stores/lib/cities';

describe('findCity', () => {
  it('finds a city by name, ignoring case and accents', () => {
    expect(findCity('chicago')?.name).toBe('Chicago');
    expect(findCity('sao paulo')?.name).toBe('São Paulo');
    expect(findCity('  San Fr')?.name).toBe('San Francisco');
  });

  it('knows cities where the shop has stores even if the gazetteer does not', () => {
    const stores = [
      { city: 'Springfield', country: 'US', lat: 39.8, lng: -89.6 },
      { city: 'Springfield', country: 'US', lat: 39.6, lng: -89.8 },
    ];
    const city = findCity('springfield', stores);
    expect(city?.lat).toBeCloseTo(39.7);
    expect(city?.lng).toBeCloseTo(-89.7);
  });

  it('returns nothing for unknown places', () => {
    expect(findCity('Atlantis')).toBeNull();
    expect(findCity('')).toBeNull();
  });
});
