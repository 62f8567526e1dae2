/** A new review must be a body catalog-fulfillment accepts (generated lib/api-types). */
import { describe, it } from 'vitest';

import type { NewReview } from '@/features/reviews/api/reviews-api';
import { sends, type RequestBody } from '@/lib/api-schemas/contract';
import type { paths } from '@/lib/api-types/catalog-fulfillment';

describe('review request bodies', () => {
  it('write a review', () => {
    sends<RequestBody<paths['/reviews']['post']>>()<NewReview>();
  });
});
