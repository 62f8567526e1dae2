import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'react-router';
import { z } from 'zod';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { FormError, TextAreaField, TextField } from '@/components/ui/form-field';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { Stars } from '@/components/ui/stars';
import { toast } from '@/components/ui/toast-store';
import { useCreateReview, useProductReviews } from '@/features/reviews/api/reviews-api';
import type { ReviewList } from '@/lib/api-schemas/catalog-fulfillment';
import { useFormErrors, validate } from '@/lib/form';
import { selectIsSignedIn, useSessionStore } from '@/lib/session-store';

export function ReviewSection({ productId }: { productId: string }) {
  const reviews = useProductReviews(productId);
  return (
    <section aria-labelledby="reviews-heading" className="mt-12 space-y-6">
      <h2 id="reviews-heading" className="text-xl font-semibold">
        Reviews
      </h2>
      <QueryView query={reviews} loadingLabel="Loading reviews…">
        {(list) => (
          <div className="grid gap-8 md:grid-cols-3">
            <div className="space-y-4">
              <RatingSummary reviews={list} />
              <WriteReview productId={productId} />
            </div>
            <div className="md:col-span-2">
              {list.items.length === 0 ? (
                <EmptyState title="No reviews yet">Be the first to tell others what you think.</EmptyState>
              ) : (
                <ul className="divide-y divide-slate-200">
                  {list.items.map((review) => (
                    <li key={review.id} className="py-4">
                      <div className="flex flex-wrap items-center gap-2">
                        <Stars value={review.rating} />
                        <span className="font-medium">{review.title}</span>
                        {review.verified_purchase && <Badge tone="success">Verified purchase</Badge>}
                      </div>
                      <p className="mt-1 text-sm text-slate-700">{review.comment}</p>
                      <p className="mt-1 text-xs text-slate-600">
                        {review.author_name ?? 'A shopper'}
                        {review.created_at && ` · ${new Date(review.created_at).toLocaleDateString()}`}
                      </p>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        )}
      </QueryView>
    </section>
  );
}

function RatingSummary({ reviews }: { reviews: ReviewList }) {
  return (
    <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <p className="text-3xl font-semibold">{reviews.average !== null ? reviews.average.toFixed(1) : '–'}</p>
      <Stars value={reviews.average} count={reviews.rating_count} />
      <dl className="mt-3 space-y-1">
        {[5, 4, 3, 2, 1].map((stars) => {
          const count = reviews.histogram[String(stars)] ?? 0;
          const share = reviews.rating_count ? Math.round((count / reviews.rating_count) * 100) : 0;
          return (
            <div key={stars} className="flex items-center gap-2 text-xs">
              <dt className="w-12">{stars} stars</dt>
              <dd className="flex flex-1 items-center gap-2">
                <span className="h-2 flex-1 overflow-hidden rounded bg-slate-200" aria-hidden="true">
                  <span className="block h-full bg-amber-500" style={{ width: `${share}%` }} />
                </span>
                <span className="w-6 text-right">{count}</span>
              </dd>
            </div>
          );
        })}
      </dl>
      {reviews.unverified_count > 0 && (
        <p className="mt-3 text-xs text-slate-600">
          Rated by verified purchases only; {reviews.unverified_count} {reviews.unverified_count === 1 ? 'review' : 'reviews'} without one{' '}
          {reviews.unverified_count === 1 ? 'is' : 'are'} shown but not counted.
        </p>
      )}
    </div>
  );
}

const reviewFormSchema = z.object({
  rating: z.number().int().min(1, 'Choose a rating from 1 to 5').max(5),
  title: z.string().trim().min(1, 'Give your review a title').max(200),
  comment: z.string().trim().min(1, 'Tell others what you think').max(5000),
});

function WriteReview({ productId }: { productId: string }) {
  const signedIn = useSessionStore(selectIsSignedIn);
  const firstName = useSessionStore((state) => state.user?.first_name);
  const location = useLocation();
  const create = useCreateReview();
  const errors = useFormErrors();
  const [rating, setRating] = useState(0);
  const [title, setTitle] = useState('');
  const [comment, setComment] = useState('');
  const [done, setDone] = useState(false);

  if (!signedIn) {
    return (
      <p className="text-sm">
        <Link to={`/login?next=${encodeURIComponent(location.pathname)}`} className="font-medium text-brand-700 underline">
          Sign in
        </Link>{' '}
        to write a review.
      </p>
    );
  }
  if (done) return <p className="text-sm text-emerald-800">Thanks, your review is published.</p>;

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = validate(reviewFormSchema, { rating, title, comment });
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      return;
    }
    create.mutate(
      { product_id: productId, ...checked.data, display_name: firstName || undefined },
      {
        onSuccess: () => {
          setDone(true);
          toast.success('Review published');
        },
        onError: (error) => errors.fromServer(error, { 409: { title: 'You have already reviewed this product.' } }),
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200" aria-label="Write a review">
      <h3 className="font-medium">Write a review</h3>
      <FormError message={errors.formError} />
      <fieldset>
        <legend className="text-sm font-medium">Rating</legend>
        <div className="mt-1 flex gap-1">
          {[1, 2, 3, 4, 5].map((star) => (
            <label key={star} className="cursor-pointer rounded text-2xl text-amber-600 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-brand-600">
              <input type="radio" name="rating" value={star} checked={rating === star} onChange={() => setRating(star)} className="sr-only" />
              <span aria-hidden="true">{rating >= star ? '★' : '☆'}</span>
              <span className="sr-only">{star} star{star > 1 ? 's' : ''}</span>
            </label>
          ))}
        </div>
        {errors.fieldErrors.rating && <p className="text-sm text-red-700">{errors.fieldErrors.rating}</p>}
      </fieldset>
      <TextField label="Title" value={title} onChange={(e) => setTitle(e.target.value)} error={errors.fieldErrors.title} />
      <TextAreaField label="Your review" rows={4} value={comment} onChange={(e) => setComment(e.target.value)} error={errors.fieldErrors.comment} />
      <Button type="submit" isLoading={create.isPending}>
        Publish review
      </Button>
    </form>
  );
}
