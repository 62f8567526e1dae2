/**
 * What catalog-fulfillment answers, as the pages read it: strict where the UI depends on a field,
 * lenient where the service may legitimately differ (ADR 0014). Checked against the generated
 * lib/api-types/catalog-fulfillment.ts by catalog-fulfillment.test-d.ts.
 */
import { z } from 'zod';

import { currencySchema, moneySchema, pageSchema, ratingSchema } from '@/lib/api-schemas/common';

export type SortOrder = 'relevance' | 'price_asc' | 'price_desc' | 'newest' | 'rating';

/** Query parameters of the product listing (`GET /catalog/products`). */
export interface ProductFilters {
  category?: string;
  q?: string;
  min_price?: string;
  max_price?: string;
  in_stock?: boolean;
  sort?: SortOrder;
  page?: number;
  page_size?: number;
}

export interface Category {
  id: string;
  name: string;
  slug: string;
  parent_id: string | null;
  children: Category[];
}

/** What arrives: the same tree, with `parent_id` and `children` possibly left out. */
interface CategoryInput {
  id: string;
  name: string;
  slug: string;
  parent_id?: string | null;
  children?: CategoryInput[];
}

export const categorySchema: z.ZodType<Category, CategoryInput> = z.lazy(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    parent_id: z.string().nullish().transform((v) => v ?? null),
    children: z.array(categorySchema).default([]),
  }),
);

/** A product's category may come as a slug/name string or as an object; we keep both readable. */
const categoryRefSchema = z
  .union([
    z.string(),
    z.object({ id: z.string().optional(), name: z.string(), slug: z.string().optional() }),
    z.null(),
  ])
  .optional()
  .transform((value) => {
    if (!value) return null;
    if (typeof value === 'string') return { id: undefined, name: value, slug: value };
    return { id: value.id, name: value.name, slug: value.slug ?? undefined };
  });

export const productSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string().optional(),
  price: moneySchema,
  currency: currencySchema,
  image_url: z.string().nullish(),
  category: categoryRefSchema,
  rating_avg: ratingSchema,
  rating_count: z.number().int().nonnegative().catch(0),
  in_stock: z.boolean().catch(true),
  brand: z.string().nullish(),
  status: z.string().optional(),
});
export type ProductSummary = z.infer<typeof productSummarySchema>;

/** Counts per price band for the current filters (the top band has no upper bound). */
export const facetsSchema = z
  .object({
    price_bands: z
      .array(z.object({ min: z.union([z.string(), z.number()]).transform(String), max: z.union([z.string(), z.number()]).transform(String).nullish(), count: z.number().int() }))
      .catch([]),
  })
  .loose();

export const productPageSchema = pageSchema(productSummarySchema).extend({
  facets: facetsSchema.nullish().catch(null),
  // True when nothing matched exactly and the service fell back to similar names (typos).
  typo_corrected: z.boolean().optional().default(false),
  // True when total and facet counts are estimates (a price or stock filter matched many).
  total_estimated: z.boolean().optional().default(false),
});
export type ProductPage = z.infer<typeof productPageSchema>;

const imageSchema = z
  .union([z.string(), z.object({ url: z.string(), alt: z.string().nullish(), alt_text: z.string().nullish() }).loose()])
  .transform((image) =>
    typeof image === 'string' ? { url: image, alt: null as string | null } : { url: image.url, alt: image.alt ?? image.alt_text ?? null },
  );

/**
 * How much of a variant is left, as the catalog tells shoppers: "low_stock" means at or below the
 * sku's reorder level. Exact counts (`available`) come only with admin and service tokens.
 */
export const stockLevelSchema = z.enum(['in_stock', 'low_stock', 'out_of_stock']);
export type StockLevel = z.infer<typeof stockLevelSchema>;

export const variantSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string().nullish().transform((v) => v ?? ''),
    // The service allows any JSON value; the picker offers the plain ones (text, numbers, yes/no).
    attributes: z
      .record(z.string(), z.unknown())
      .nullish()
      .transform((attrs) =>
        Object.fromEntries(
          Object.entries(attrs ?? {})
            .filter((entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]))
            .map(([k, v]) => [k, String(v)]),
        ),
      ),
    price: moneySchema,
    currency: currencySchema.optional(),
    available: z.number().int().nullish().catch(null).transform((v) => v ?? null),
    stock_level: stockLevelSchema.optional().catch(undefined),
    in_stock: z.boolean().optional().catch(undefined),
    active: z.boolean().optional().default(true),
  })
  .transform(({ in_stock, ...variant }) => ({
    ...variant,
    stock_level: variant.stock_level ?? fallbackLevel(variant.available, in_stock),
  }));
export type Variant = z.infer<typeof variantSchema>;

/** For an answer without stock_level: the exact count (admins), else the in-stock flag. */
function fallbackLevel(available: number | null, inStock: boolean | undefined): StockLevel {
  if (available !== null) return available > 0 ? 'in_stock' : 'out_of_stock';
  return inStock === false ? 'out_of_stock' : 'in_stock';
}

export const productDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  // The page's address (/products/<slug>) and its canonical URL.
  slug: z.string(),
  price: moneySchema,
  description: z.string().nullish().transform((v) => v ?? ''),
  category: categoryRefSchema,
  currency: currencySchema,
  images: z.array(imageSchema).default([]),
  variants: z.array(variantSchema).default([]),
  rating_avg: ratingSchema,
  rating_count: z.number().int().nonnegative().catch(0),
  status: z.string().optional(),
  brand: z.string().nullish(),
});
export type ProductDetail = z.infer<typeof productDetailSchema>;

export const inventorySchema = z.object({
  sku: z.string(),
  on_hand: z.number().int(),
  reserved: z.number().int(),
  available: z.number().int(),
  reorder_level: z.number().int().optional(),
});
export type Inventory = z.infer<typeof inventorySchema>;

// --- admin ----------------------------------------------------------------------------

export const adminProductPageSchema = pageSchema(productSummarySchema.extend({ status: z.string().catch('active') }));
export type AdminProductPage = z.infer<typeof adminProductPageSchema>;

// --- inventory (admin) ------------------------------------------------------------------

export const lowStockItemSchema = z.object({
  sku: z.string(),
  on_hand: z.number().int(),
  reserved: z.number().int().catch(0),
  available: z.number().int(),
  reorder_level: z.number().int().catch(0),
  product_id: z.string().nullish(),
  product_name: z.string().nullish(),
  variant_name: z.string().nullish(),
});
export type LowStockItem = z.infer<typeof lowStockItemSchema>;

export const lowStockListSchema = z.union([
  z.array(lowStockItemSchema),
  z.object({ items: z.array(lowStockItemSchema) }).transform((page) => page.items),
]);

/** The outbox read only for its LOW_STOCK events (the low-stock list's fallback). */
export const outboxLowStockSchema = z.object({
  items: z.array(
    z.object({
      event_type: z.string(),
      created_at: z.string(),
      payload: z.object({ data: z.record(z.string(), z.unknown()).optional() }).loose(),
    }),
  ),
});

// --- reviews ----------------------------------------------------------------------------

export const reviewSchema = z.object({
  id: z.string(),
  product_id: z.string().optional(),
  user_id: z.string().nullish(),
  author_name: z.string().nullish(),
  rating: z.number().int().min(1).max(5),
  title: z.string().nullish().transform((v) => v ?? ''),
  comment: z.string().nullish().transform((v) => v ?? ''),
  verified_purchase: z.boolean().catch(false),
  created_at: z.string().nullish(),
});
export type Review = z.infer<typeof reviewSchema>;

/**
 * Every review is listed (`count`), but the rating (`average`, `rating_count`, `histogram`) counts
 * verified purchases only; `unverified_count` reviews are shown without moving it.
 */
export const reviewListSchema = z
  .object({
    items: z.array(reviewSchema),
    average: ratingSchema,
    count: z.number().int().nonnegative(),
    rating_count: z.number().int().nonnegative().optional(),
    unverified_count: z.number().int().nonnegative().catch(0).default(0),
    histogram: z
      .record(z.string(), z.number())
      .nullish()
      .transform((h) => h ?? {}),
  })
  .transform((list) => ({ ...list, rating_count: list.rating_count ?? list.count }));
export type ReviewList = z.infer<typeof reviewListSchema>;

// --- stores -----------------------------------------------------------------------------

/** Coordinates may be called lat/lng or latitude/longitude and may arrive as decimal strings. */
const coordinate = z.union([z.number(), z.string()]).transform(Number);

export const storeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string().nullish(),
    line1: z.string().nullish(),
    city: z.string().nullish().transform((v) => v ?? ''),
    country: z.string().nullish(),
    postal_code: z.string().nullish(),
    phone: z.string().nullish(),
    opening_hours: z.unknown().optional(),
    lat: coordinate.optional(),
    lng: coordinate.optional(),
    latitude: coordinate.optional(),
    longitude: coordinate.optional(),
    distance_km: z.union([z.number(), z.string()]).transform(Number).nullish(),
  })
  .transform(({ latitude, longitude, lat, lng, ...store }) => ({
    ...store,
    lat: lat ?? latitude ?? Number.NaN,
    lng: lng ?? longitude ?? Number.NaN,
  }))
  .refine((store) => Number.isFinite(store.lat) && Number.isFinite(store.lng), 'store without coordinates');
export type Store = z.infer<typeof storeSchema>;

export const storeListSchema = z.union([
  z.array(storeSchema),
  z.object({ items: z.array(storeSchema) }).transform((page) => page.items),
]);
