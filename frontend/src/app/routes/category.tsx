import { Link, useParams, useSearchParams } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { Pagination } from '@/components/ui/pagination';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { findCategory, useCategories, useProducts } from '@/features/catalog/api/catalog-api';
import { FilterPanel, SortSelect } from '@/features/catalog/components/listing-controls';
import { PriceBands } from '@/features/catalog/components/price-bands';
import { ProductGrid } from '@/features/catalog/components/product-card';
import { sortOptions } from '@/features/catalog/lib/sort-options';
import type { SortOrder } from '@/lib/api-schemas/catalog-fulfillment';

const PAGE_SIZE = 12;

function readSort(value: string | null): SortOrder {
  return sortOptions.some((o) => o.value === value) ? (value as SortOrder) : 'relevance';
}

/** Category listing: filters, sort and page all live in the URL, so back/forward and sharing work. */
export function CategoryPage() {
  const { slug = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const categories = useCategories();
  const category = categories.data ? findCategory(categories.data, slug) : undefined;

  const sort = readSort(params.get('sort'));
  const page = Math.max(1, Number(params.get('page') ?? 1) || 1);
  const minPrice = params.get('min_price') ?? '';
  const maxPrice = params.get('max_price') ?? '';
  const inStock = params.get('in_stock') === 'true';

  const products = useProducts({
    category: slug,
    sort,
    page,
    page_size: PAGE_SIZE,
    min_price: minPrice || undefined,
    max_price: maxPrice || undefined,
    in_stock: inStock || undefined,
  });

  function update(changes: Record<string, string | null>, resetPage = true) {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    if (resetPage) next.delete('page');
    setParams(next);
  }

  const title = category?.name ?? (categories.isPending ? 'Loading…' : slug);

  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-600">
        <Link to="/" className="hover:underline">
          Home
        </Link>{' '}
        / <span aria-current="page">{title}</span>
      </nav>
      <PageTitle title={title}>{title}</PageTitle>
      {category && category.children.length > 0 && (
        <ul className="mb-6 flex flex-wrap gap-2" aria-label="Subcategories">
          {category.children.map((child) => (
            <li key={child.id}>
              <Link to={`/categories/${child.slug}`} className="rounded-full bg-white px-3 py-1 text-sm ring-1 ring-slate-300 hover:ring-brand-600">
                {child.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <div className="grid gap-6 md:grid-cols-4">
        <div className="space-y-4">
          <FilterPanel
            key={`${minPrice}|${maxPrice}|${inStock}`}
            value={{ min_price: minPrice, max_price: maxPrice, in_stock: inStock }}
            onApply={(f) => update({ min_price: f.min_price, max_price: f.max_price, in_stock: f.in_stock ? 'true' : null })}
          />
          {products.data?.facets && (
            <PriceBands
              bands={products.data.facets.price_bands}
              currency={products.data.items[0]?.currency ?? 'USD'}
              onPick={(band) => update({ min_price: band.min_price, max_price: band.max_price })}
            />
          )}
        </div>
        <div className="md:col-span-3">
          <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
            <p className="text-sm text-slate-700" aria-live="polite">
              {products.data ? `${products.data.total} product${products.data.total === 1 ? '' : 's'}` : ''}
            </p>
            <SortSelect value={sort} onChange={(value) => update({ sort: value === 'relevance' ? null : value })} />
          </div>
          <QueryView
            query={products}
            loadingLabel="Loading products…"
            isEmpty={(data) => data.items.length === 0}
            empty={<EmptyState title="No products match">Try removing a filter or widening the price range.</EmptyState>}
          >
            {(data) => (
              <div aria-busy={products.isPlaceholderData || undefined} className={products.isPlaceholderData ? 'opacity-60 transition-opacity' : undefined}>
                <ProductGrid products={data.items} label={`Products in ${title}`} />
                <Pagination page={page} pageSize={data.page_size} total={data.total} onPageChange={(next) => update({ page: String(next) }, false)} />
              </div>
            )}
          </QueryView>
        </div>
      </div>
    </div>
  );
}
