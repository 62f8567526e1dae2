import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { catalogApi, parseResponse } from '@/lib/api-client';
import { reviewListSchema, reviewSchema } from '@/lib/api-schemas/catalog-fulfillment';
import { catalogKeys } from '@/lib/query-keys';

export const reviewKeys = { product: (productId: string) => ['reviews', productId] as const };

export function useProductReviews(productId: string) {
  return useQuery({
    queryKey: reviewKeys.product(productId),
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>(`/reviews/product/${encodeURIComponent(productId)}`);
      return parseResponse(reviewListSchema, data);
    },
  });
}

export interface NewReview {
  product_id: string;
  rating: number;
  title: string;
  comment: string;
  /** Shown with the review; the service falls back to the email's first part. */
  display_name?: string;
}

export function useCreateReview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: NewReview) => {
      const { data } = await catalogApi.post<unknown>('/reviews', input);
      return parseResponse(reviewSchema, data);
    },
    onSuccess: (_review, input) => {
      void queryClient.invalidateQueries({ queryKey: reviewKeys.product(input.product_id) });
      void queryClient.invalidateQueries({ queryKey: catalogKeys.product(input.product_id) });
    },
  });
}
