import type { ReactNode } from 'react';

import { resolveQuery, type QueryState, type QueryViewOptions } from '@/components/ui/resolve-query';

/**
 * Shows a query the way every page does: a labelled spinner while the first answer loads, the
 * friendly error with "Try again" when it fails, the empty state when there is nothing to list,
 * and `children(data)` otherwise.
 *
 *   <QueryView query={orders} loadingLabel="Loading orders…" isEmpty={(page) => page.items.length === 0} emptyTitle="No orders here">
 *     {(page) => <DataTable … rows={page.items} />}
 *   </QueryView>
 */
export function QueryView<T>({ query, children, ...options }: QueryViewOptions<T> & { query: QueryState<T>; children: (data: T) => ReactNode }) {
  const resolved = resolveQuery(query, options);
  return <>{resolved.ready ? children(resolved.data) : resolved.view}</>;
}
