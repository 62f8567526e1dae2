import type { Store } from '@/lib/api-schemas/catalog-fulfillment';

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
const text = (value: string | null | undefined) => value ?? '';

/**
 * The order the store list and the map's numbering use, the same on every render and reload:
 * nearest first once a location is known (ties by name), otherwise by country, city and name.
 * The id breaks any remaining tie, so two stores never swap places between answers.
 */
export function orderStores(stores: readonly Store[], byDistance: boolean): Store[] {
  const byPlace = (a: Store, b: Store) =>
    collator.compare(text(a.country), text(b.country)) ||
    collator.compare(text(a.city), text(b.city)) ||
    collator.compare(a.name, b.name) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const distance = (s: Store) => s.distance_km ?? Number.POSITIVE_INFINITY;
  return [...stores].sort(byDistance ? (a, b) => distance(a) - distance(b) || byPlace(a, b) : byPlace);
}
