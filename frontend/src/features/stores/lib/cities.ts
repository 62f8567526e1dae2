/**
 * A small gazetteer so "search by city" works without a geocoding service (the shop runs
 * offline in dev and tests). Cities where the shop has stores are also matched from the store list.
 */
export interface City {
  name: string;
  country: string;
  lat: number;
  lng: number;
}

export const cities: City[] = [
  { name: 'New York', country: 'US', lat: 40.7128, lng: -74.006 },
  { name: 'Los Angeles', country: 'US', lat: 34.0522, lng: -118.2437 },
  { name: 'Chicago', country: 'US', lat: 41.8781, lng: -87.6298 },
  { name: 'Houston', country: 'US', lat: 29.7604, lng: -95.3698 },
  { name: 'Phoenix', country: 'US', lat: 33.4484, lng: -112.074 },
  { name: 'Philadelphia', country: 'US', lat: 39.9526, lng: -75.1652 },
  { name: 'San Antonio', country: 'US', lat: 29.4241, lng: -98.4936 },
  { name: 'San Diego', country: 'US', lat: 32.7157, lng: -117.1611 },
  { name: 'Dallas', country: 'US', lat: 32.7767, lng: -96.797 },
  { name: 'Austin', country: 'US', lat: 30.2672, lng: -97.7431 },
  { name: 'San Francisco', country: 'US', lat: 37.7749, lng: -122.4194 },
  { name: 'San Jose', country: 'US', lat: 37.3382, lng: -121.8863 },
  { name: 'Seattle', country: 'US', lat: 47.6062, lng: -122.3321 },
  { name: 'Portland', country: 'US', lat: 45.5152, lng: -122.6784 },
  { name: 'Denver', country: 'US', lat: 39.7392, lng: -104.9903 },
  { name: 'Boston', country: 'US', lat: 42.3601, lng: -71.0589 },
  { name: 'Washington', country: 'US', lat: 38.9072, lng: -77.0369 },
  { name: 'Atlanta', country: 'US', lat: 33.749, lng: -84.388 },
  { name: 'Miami', country: 'US', lat: 25.7617, lng: -80.1918 },
  { name: 'Minneapolis', country: 'US', lat: 44.9778, lng: -93.265 },
  { name: 'Detroit', country: 'US', lat: 42.3314, lng: -83.0458 },
  { name: 'Nashville', country: 'US', lat: 36.1627, lng: -86.7816 },
  { name: 'Las Vegas', country: 'US', lat: 36.1699, lng: -115.1398 },
  { name: 'Salt Lake City', country: 'US', lat: 40.7608, lng: -111.891 },
  { name: 'Milwaukee', country: 'US', lat: 43.0389, lng: -87.9065 },
  { name: 'St. Louis', country: 'US', lat: 38.627, lng: -90.1994 },
  { name: 'Indianapolis', country: 'US', lat: 39.7684, lng: -86.1581 },
  { name: 'Toronto', country: 'CA', lat: 43.6532, lng: -79.3832 },
  { name: 'Montreal', country: 'CA', lat: 45.5019, lng: -73.5674 },
  { name: 'Vancouver', country: 'CA', lat: 49.2827, lng: -123.1207 },
  { name: 'Mexico City', country: 'MX', lat: 19.4326, lng: -99.1332 },
  { name: 'London', country: 'GB', lat: 51.5074, lng: -0.1278 },
  { name: 'Manchester', country: 'GB', lat: 53.4808, lng: -2.2426 },
  { name: 'Edinburgh', country: 'GB', lat: 55.9533, lng: -3.1883 },
  { name: 'Dublin', country: 'IE', lat: 53.3498, lng: -6.2603 },
  { name: 'Paris', country: 'FR', lat: 48.8566, lng: 2.3522 },
  { name: 'Lyon', country: 'FR', lat: 45.764, lng: 4.8357 },
  { name: 'Berlin', country: 'DE', lat: 52.52, lng: 13.405 },
  { name: 'Munich', country: 'DE', lat: 48.1351, lng: 11.582 },
  { name: 'Hamburg', country: 'DE', lat: 53.5511, lng: 9.9937 },
  { name: 'Amsterdam', country: 'NL', lat: 52.3676, lng: 4.9041 },
  { name: 'Brussels', country: 'BE', lat: 50.8503, lng: 4.3517 },
  { name: 'Madrid', country: 'ES', lat: 40.4168, lng: -3.7038 },
  { name: 'Barcelona', country: 'ES', lat: 41.3874, lng: 2.1686 },
  { name: 'Lisbon', country: 'PT', lat: 38.7223, lng: -9.1393 },
  { name: 'Rome', country: 'IT', lat: 41.9028, lng: 12.4964 },
  { name: 'Milan', country: 'IT', lat: 45.4642, lng: 9.19 },
  { name: 'Zurich', country: 'CH', lat: 47.3769, lng: 8.5417 },
  { name: 'Vienna', country: 'AT', lat: 48.2082, lng: 16.3738 },
  { name: 'Copenhagen', country: 'DK', lat: 55.6761, lng: 12.5683 },
  { name: 'Stockholm', country: 'SE', lat: 59.3293, lng: 18.0686 },
  { name: 'Oslo', country: 'NO', lat: 59.9139, lng: 10.7522 },
  { name: 'Helsinki', country: 'FI', lat: 60.1699, lng: 24.9384 },
  { name: 'Warsaw', country: 'PL', lat: 52.2297, lng: 21.0122 },
  { name: 'Prague', country: 'CZ', lat: 50.0755, lng: 14.4378 },
  { name: 'Tokyo', country: 'JP', lat: 35.6762, lng: 139.6503 },
  { name: 'Osaka', country: 'JP', lat: 34.6937, lng: 135.5023 },
  { name: 'Seoul', country: 'KR', lat: 37.5665, lng: 126.978 },
  { name: 'Beijing', country: 'CN', lat: 39.9042, lng: 116.4074 },
  { name: 'Shanghai', country: 'CN', lat: 31.2304, lng: 121.4737 },
  { name: 'Hong Kong', country: 'HK', lat: 22.3193, lng: 114.1694 },
  { name: 'Singapore', country: 'SG', lat: 1.3521, lng: 103.8198 },
  { name: 'Mumbai', country: 'IN', lat: 19.076, lng: 72.8777 },
  { name: 'Delhi', country: 'IN', lat: 28.7041, lng: 77.1025 },
  { name: 'Bangalore', country: 'IN', lat: 12.9716, lng: 77.5946 },
  { name: 'Dubai', country: 'AE', lat: 25.2048, lng: 55.2708 },
  { name: 'Sydney', country: 'AU', lat: -33.8688, lng: 151.2093 },
  { name: 'Melbourne', country: 'AU', lat: -37.8136, lng: 144.9631 },
  { name: 'Auckland', country: 'NZ', lat: -36.8485, lng: 174.7633 },
  { name: 'São Paulo', country: 'BR', lat: -23.5505, lng: -46.6333 },
  { name: 'Rio de Janeiro', country: 'BR', lat: -22.9068, lng: -43.1729 },
  { name: 'Buenos Aires', country: 'AR', lat: -34.6037, lng: -58.3816 },
  { name: 'Cape Town', country: 'ZA', lat: -33.9249, lng: 18.4241 },
  { name: 'Johannesburg', country: 'ZA', lat: -26.2041, lng: 28.0473 },
  { name: 'Cairo', country: 'EG', lat: 30.0444, lng: 31.2357 },
  { name: 'Istanbul', country: 'TR', lat: 41.0082, lng: 28.9784 },
];

/** Accent- and case-insensitive, so "sao paulo" finds "São Paulo". */
export function normalizeName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Finds a city by name: exact match first, then prefix. Store cities are searched too, using
 * the average position of the shop's stores there.
 */
export function findCity(
  query: string,
  stores: { city: string; country?: string | null; lat: number; lng: number }[] = [],
): City | null {
  const wanted = normalizeName(query);
  if (!wanted) return null;
  const byStores = new Map<string, City & { count: number }>();
  for (const store of stores) {
    if (!store.city) continue;
    const key = normalizeName(store.city);
    const entry = byStores.get(key) ?? { name: store.city, country: store.country ?? '', lat: 0, lng: 0, count: 0 };
    entry.lat += store.lat;
    entry.lng += store.lng;
    entry.count += 1;
    byStores.set(key, entry);
  }
  const storeCities: City[] = [...byStores.values()].map(({ count, ...city }) => ({
    ...city,
    lat: city.lat / count,
    lng: city.lng / count,
  }));
  const all = [...cities, ...storeCities];
  return (
    all.find((city) => normalizeName(city.name) === wanted) ??
    all.find((city) => normalizeName(city.name).startsWith(wanted)) ??
    null
  );
}
