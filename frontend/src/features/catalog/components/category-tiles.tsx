import { Link } from 'react-router';

import type { Category } from '@/lib/api-schemas/catalog-fulfillment';

export function CategoryTiles({ categories }: { categories: Category[] }) {
  return (
    <ul aria-label="Shop by category" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4">
      {categories.map((category) => (
        <li key={category.id}>
          <Link
            to={`/categories/${category.slug}`}
            className="flex h-full flex-col rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-brand-600"
          >
            <span className="font-medium text-slate-900">{category.name}</span>
            {category.children.length > 0 && (
              <span className="mt-1 text-xs text-slate-600">
                {category.children
                  .slice(0, 3)
                  .map((child) => child.name)
                  .join(' · ')}
              </span>
            )}
          </Link>
        </li>
      ))}
    </ul>
  );
}
