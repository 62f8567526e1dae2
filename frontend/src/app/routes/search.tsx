import { useSearchParams } from 'react-router';

import { Pagination } from '@/components/ui/pagination';
import { PageTitle } from '@/components/ui/page-title';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';
import { useSearch } from '@/features/catalog/api/catalog-api';
import { ProductGrid } from '@/features/catalog/components/product-card';

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const results = useSearch(q, page);

  return (
    <div>
      <PageTitle title={q ? `Search: ${q}` : 'Search'}>{q ? `Results for “${q}”` : 'Search'}</PageTitle>
      {!q.trim() ? (
        <EmptyState title="What are you looking for?">Type a product name in the search box above.</EmptyState>
      ) : results.isPending ? (
        <LoadingState label="Searching…" />
      ) : results.isError ? (
        <ErrorState error={results.error} onRetry={() => void results.refetch()} />
      ) : results.data.items.length === 0 ? (
        <EmptyState title={`Nothing found for “${q}”`}>Check the spelling or try a more general word.</EmptyState>
      ) : (
        <>
          <p className="mb-4 text-sm text-slate-700" aria-live="polite">
            {results.data.typo_corrected
              ? `No exact match for “${q}”. Showing ${results.data.total} similar result${results.data.total === 1 ? '' : 's'}.`
              : `${results.data.total} result${results.data.total === 1 ? '' : 's'}`}
          </p>
          <ProductGrid products={results.data.items} label="Search results" />
          <Pagination
            page={page}
            pageSize={results.data.page_size}
            total={results.data.total}
            onPageChange={(next) => {
              const updated = new URLSearchParams(params);
              updated.set('page', String(next));
              setParams(updated);
            }}
          />
        </>
      )}
    </div>
  );
}
