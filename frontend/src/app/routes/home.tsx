import { Link } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { useCategories, useProducts } from '@/features/catalog/api/catalog-api';
import { CategoryTiles } from '@/features/catalog/components/category-tiles';
import { ProductGrid } from '@/features/catalog/components/product-card';

export function HomePage() {
  const categories = useCategories();
  const featured = useProducts({ sort: 'rating', in_stock: true, page: 1, page_size: 8 });

  return (
    <div className="space-y-10">
      <section className="rounded-xl bg-gradient-to-r from-brand-700 to-brand-600 px-6 py-10 text-white">
        <PageTitle title="Home">
          <span className="text-white">Everything you need, delivered</span>
        </PageTitle>
        <p className="max-w-xl text-brand-50">
          Browse the catalogue, pay securely by card, track your parcel, or pick up in one of our stores.
        </p>
        <Link to="/stores" className="mt-4 inline-block rounded-md bg-white px-4 py-2 text-sm font-medium text-brand-800">
          Find a store near you
        </Link>
      </section>

      <section aria-labelledby="categories-heading" className="space-y-4">
        <h2 id="categories-heading" className="text-xl font-semibold">
          Shop by category
        </h2>
        <QueryView query={categories} loadingLabel="Loading categories…" isEmpty={(data) => data.length === 0} emptyTitle="No categories yet">
          {(data) => <CategoryTiles categories={data} />}
        </QueryView>
      </section>

      <section aria-labelledby="featured-heading" className="space-y-4">
        <h2 id="featured-heading" className="text-xl font-semibold">
          Featured products
        </h2>
        <QueryView
          query={featured}
          loadingLabel="Loading products…"
          isEmpty={(data) => data.items.length === 0}
          empty={<EmptyState title="Nothing to show yet">New products are on their way.</EmptyState>}
        >
          {(data) => <ProductGrid products={data.items} label="Featured products" />}
        </QueryView>
      </section>
    </div>
  );
}
