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
  // True when total and facet counts are estimates (a price or stock filter matched many).
  total_estimated: z.boolean().optional().default(false),
});
export type ProductPage = z.infer<typeof productPageSchema>;

const imageSchema = z
  .union([z.string(), z.object({ url: z.string(), alt: z.string().nullish(), alt_text: z.string().nullish() }).loose()])
  .transform((image) =>
    typeof image === 'string' ? { url: image, alt: null as string | null } : { url: image.url, alt: image.alt ?? image.alt_text ?? null },
  );

export const variantSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string().nullish().transform((v) => v ?? ''),
  attributes: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .nullish()
    .transform((attrs) => Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [k, String(v)]))),
  price: moneySchema,
  currency: currencySchema.optional(),
  available: z.number().int().catch(0),
  active: z.boolean().optional().default(true),
});
export type Variant = z.infer<typeof variantSchema>;

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
