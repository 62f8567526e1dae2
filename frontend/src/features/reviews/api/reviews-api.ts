import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { catalogApi, parseResponse } from '@/lib/api-client';
import { ratingSchema } from '@/lib/schemas';

export const reviewSchema = z.object({
  id: z.string(),
  product_id: z.string().optional(),
  user_id: z.string().nullish(),
  author_name: z.string().nullish(),
  rating: z.number().int().min(1).max(5),
  title: z.string().nullish().transform((v) => v ?? ''),
  comment: z.string().nullish().transform((v) => v ?? ''),
  verified_purchase: z.boolean().catch(false),
  created_at: z.string().nullish(),
});
export type Review = z.infer<typeof reviewSchema>;

/**
 * Every review is listed (`count`), but the rating (`average`, `rating_count`, `histogram`) counts
 * verified purchases only; `unverified_count` reviews are shown without moving it.
 */
export const reviewListSchema = z
  .object({
    items: z.array(reviewSchema),
    average: ratingSchema,
    count: z.number().int().nonnegative(),
    rating_count: z.number().int().nonnegative().optional(),
    unverified_count: z.number().int().nonnegative().catch(0).default(0),
    histogram: z
      .record(z.string(), z.number())
      .nullish()
      .transform((h) => h ?? {}),
  })
  .transform((list) => ({ ...list, rating_count: list.rating_count ?? list.count }));
export type ReviewList = z.infer<typeof reviewListSchema>;

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
      void queryClient.invalidateQueries({ queryKey: ['catalog', 'product', input.product_id] });
    },
  });
}
