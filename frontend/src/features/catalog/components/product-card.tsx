import { Link } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Stars } from '@/components/ui/stars';
import { ProductImage } from '@/features/catalog/components/product-image';
import type { ProductSummary } from '@/lib/api-schemas/catalog-fulfillment';
import { formatMoney } from '@/lib/money';

export function ProductCard({ product }: { product: ProductSummary }) {
  return (
    <li className="group flex flex-col overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <ProductImage src={product.image_url} alt="" className="aspect-square w-full object-cover" />
      <div className="flex flex-1 flex-col gap-1 p-3">
        <h3 className="text-sm font-medium text-slate-900">
          <Link to={`/products/${product.slug ?? product.id}`} className="hover:underline">
            {product.name}
          </Link>
        </h3>
        {product.category && <p className="text-xs text-slate-600">{product.category.name}</p>}
        <Stars value={product.rating_avg} count={product.rating_count} />
        <div className="mt-auto flex items-center justify-between pt-2">
          <span className="font-semibold">{formatMoney(product.price, product.currency)}</span>
          {!product.in_stock && <Badge tone="danger">Sold out</Badge>}
        </div>
      </div>
    </li>
  );
}

export function ProductGrid({ products, label }: { products: ProductSummary[]; label: string }) {
  return (
    <ul aria-label={label} className="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-4">
      {products.map((product) => (
        <ProductCard key={product.id} product={product} />
      ))}
    </ul>
  );
}
