import type { ReactNode } from 'react';

import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';

/**
 * What a page needs from a query to show it: React Query's `useQuery` result fits as it is, and a
 * page may hand-make one (the store locator counts a disabled query as loaded).
 */
export interface QueryState<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

export interface QueryViewOptions<T> {
  /** Words next to the spinner while the first answer loads. */
  loadingLabel?: string;
  /** True when the answer has nothing to show: `empty` is shown instead of the data. */
  isEmpty?: (data: T) => boolean;
  /** What an empty answer looks like; an `EmptyState` with `emptyTitle` when not given. */
  empty?: ReactNode;
  emptyTitle?: string;
  /** Replaces the standard error state, e.g. when a 404 means "no such sku". */
  renderError?: (error: unknown, retry: () => void) => ReactNode;
}

export type Resolved<T> = { ready: true; data: T } | { ready: false; view: ReactNode };

/**
 * The one loading -> error -> empty -> data chain of every page: the view to show until there is
 * data worth rendering, else the data. `QueryView` wraps it for JSX; a component whose hooks
 * must stay mounted across a failed refetch (the checkout keeps its prepared order) returns
 * `view` early instead.
 */
export function resolveQuery<T>(query: QueryState<T>, options: QueryViewOptions<T> = {}): Resolved<T> {
  if (query.isPending) return { ready: false, view: <LoadingState label={options.loadingLabel} /> };
  if (query.isError) {
    const retry = () => void query.refetch();
    const view = options.renderError ? options.renderError(query.error, retry) : <ErrorState error={query.error} onRetry={retry} />;
    return { ready: false, view };
  }
  const data = query.data as T;
  if (options.isEmpty?.(data)) {
    return { ready: false, view: options.empty ?? <EmptyState title={options.emptyTitle ?? 'Nothing here yet'} /> };
  }
  return { ready: true, data };
}

type DataOf<Q> = Q extends QueryState<infer T> ? T : never;

/**
 * Several queries as one: loading while any loads, then the first failure (its retry refetches
 * it), then a tuple of every answer.
 */
export function combineQueries<const Qs extends readonly QueryState<unknown>[]>(
  ...queries: Qs
): QueryState<{ -readonly [K in keyof Qs]: DataOf<Qs[K]> }> {
  const failed = queries.find((query) => query.isError);
  const isPending = queries.some((query) => query.isPending);
  return {
    isPending,
    isError: !isPending && failed !== undefined,
    error: failed?.error ?? null,
    data: isPending || failed ? undefined : (queries.map((query) => query.data) as { -readonly [K in keyof Qs]: DataOf<Qs[K]> }),
    refetch: () => failed?.refetch(),
  };
}
