import { useMemo, useState } from 'react';
import { Link, Navigate, useLocation, useParams } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { PageTitle } from '@/components/ui/page-title';
import { QueryView } from '@/components/ui/query-view';
import { Stars } from '@/components/ui/stars';
import { AddToCart } from '@/features/cart/components/add-to-cart';
import { useProduct } from '@/features/catalog/api/catalog-api';
import { ImageGallery } from '@/features/catalog/components/image-gallery';
import { VariantPicker } from '@/features/catalog/components/variant-picker';
import { findVariant, initialSelection, type Selection } from '@/features/catalog/lib/variants';
import { ReviewSection } from '@/features/reviews/components/review-section';
import type { ProductDetail, StockLevel } from '@/lib/api-schemas/catalog-fulfillment';
import { productPath, useProductHead } from '@/lib/document-head';
import { formatMoney } from '@/lib/money';

/** /products/<slug>; an id (links from carts, orders and before slugs) redirects to the slug. */
export function ProductPage() {
  const { slug = '' } = useParams();
  const { search } = useLocation();
  const product = useProduct(slug);
  useProductHead(product.data);
  if (product.data && product.data.slug !== slug) {
    return <Navigate to={productPath(product.data.slug) + search} replace />;
  }
  return (
    <QueryView query={product} loadingLabel="Loading product…">
      {(data) => <ProductView key={data.id} product={data} />}
    </QueryView>
  );
}

function Availability({ level }: { level: StockLevel }) {
  if (level === 'out_of_stock') return <Badge tone="danger">Sold out</Badge>;
  if (level === 'low_stock') return <Badge tone="warning">Only a few left</Badge>;
  return <Badge tone="success">In stock</Badge>;
}

function ProductView({ product }: { product: ProductDetail }) {
  const [selection, setSelection] = useState<Selection>(() => initialSelection(product.variants));
  const [chosenId, setChosenId] = useState<string | undefined>(undefined);
  const variant = useMemo(
    () => (chosenId ? product.variants.find((v) => v.id === chosenId) : findVariant(product.variants, selection)) ?? product.variants[0],
    [chosenId, product.variants, selection],
  );
  // The product query refreshes itself while the page is open, so this level stays live.
  const level: StockLevel = variant && variant.active ? variant.stock_level : 'out_of_stock';

  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm text-slate-600">
        <Link to="/" className="hover:underline">
          Home
        </Link>
        {product.category?.slug && (
          <>
            {' / '}
            <Link to={`/categories/${product.category.slug}`} className="hover:underline">
              {product.category.name}
            </Link>
          </>
        )}
      </nav>
      <div className="grid gap-8 md:grid-cols-2">
        <ImageGallery images={product.images} productName={product.name} />
        <div className="space-y-5">
          <PageTitle title={product.name}>{product.name}</PageTitle>
          <div className="-mt-4">
            <Stars value={product.rating_avg} count={product.rating_count} />
          </div>
          <p className="text-2xl font-semibold" data-testid="price">
            {formatMoney(variant?.price, variant?.currency ?? product.currency)}
          </p>
          <VariantPicker
            variants={product.variants}
            selection={selection}
            onChange={(next) => {
              setChosenId(undefined);
              setSelection(next);
            }}
            selectedId={variant?.id}
            onSelectVariant={(v) => setChosenId(v.id)}
          />
          <div className="flex items-center gap-3 text-sm" aria-live="polite">
            <Availability level={level} />
            {variant && <span className="text-slate-600">SKU {variant.sku}</span>}
          </div>
          <AddToCart
            key={variant?.sku}
            sku={variant?.sku}
            soldOut={level === 'out_of_stock'}
            available={variant?.available ?? null}
            label={variant?.name ? `${product.name} (${variant.name})` : product.name}
          />
          {product.description && <p className="whitespace-pre-line text-slate-700">{product.description}</p>}
        </div>
      </div>
      <ReviewSection productId={product.id} />
    </div>
  );
}
