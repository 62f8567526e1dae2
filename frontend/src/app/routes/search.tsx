import { useSearchParams } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { Pagination } from '@/components/ui/pagination';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
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
      ) : (
        <QueryView
          query={results}
          loadingLabel="Searching…"
          isEmpty={(data) => data.items.length === 0}
          empty={<EmptyState title={`Nothing found for “${q}”`}>Check the spelling or try a more general word.</EmptyState>}
        >
          {(data) => (
            <>
              <p className="mb-4 text-sm text-slate-700" aria-live="polite">
                {data.typo_corrected
                  ? `No exact match for “${q}”. Showing ${data.total} similar result${data.total === 1 ? '' : 's'}.`
                  : `${data.total} result${data.total === 1 ? '' : 's'}`}
              </p>
              <ProductGrid products={data.items} label="Search results" />
              <Pagination
                page={page}
                pageSize={data.page_size}
                total={data.total}
                onPageChange={(next) => {
                  const updated = new URLSearchParams(params);
                  updated.set('page', String(next));
                  setParams(updated);
                }}
              />
            </>
          )}
        </QueryView>
      )}
    </div>
  );
}
