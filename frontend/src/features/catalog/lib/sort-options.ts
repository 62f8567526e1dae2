import type { SortOrder } from '@/lib/api-schemas/catalog-fulfillment';

export const sortOptions: { value: SortOrder; label: string }[] = [
  { value: 'relevance', label: 'Featured' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
  { value: 'newest', label: 'Newest' },
  { value: 'rating', label: 'Best rated' },
];
