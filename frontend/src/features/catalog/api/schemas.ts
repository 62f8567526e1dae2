import { z } from 'zod';

import { currencySchema, moneySchema, pageSchema, ratingSchema } from '@/lib/schemas';

export interface Category {
  id: string;
  name: string;
  slug: string;
  parent_id: string | null;
  children: Category[];
}

export const categorySchema: z.ZodType<Category> = z.lazy(() =>
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
    attributes: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .nullish()
      .transform((attrs) => Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [k, String(v)]))),
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
  slug: z.string().optional(),
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
