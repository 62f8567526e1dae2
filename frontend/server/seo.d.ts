// Types of seo.js (plain JavaScript so the production server needs no build step).

/** The fields of GET /catalog/products/{slug} the head is made of. */
export interface CatalogProduct {
  name: string;
  slug: string;
  brand?: string | null;
  description: string;
  price: string;
  currency: string;
  rating_avg: number | null;
  rating_count: number;
  category?: { name: string } | null;
  images: { url: string; alt?: string | null }[];
  variants: { sku: string; price: string; stock_level: string; active?: boolean }[];
}

export interface HeadMeta {
  name?: string;
  property?: string;
  content: string;
}

export interface ProductHead {
  title: string;
  description: string;
  canonical: string;
  meta: HeadMeta[];
  jsonLd: Record<string, unknown>;
}

export interface SitemapEntries {
  categories: { slug: string }[];
  products: { slug: string; updated_at: string }[];
  truncated?: boolean;
}

export const UUID_PATTERN: RegExp;
export function productPath(slug: string): string;
export function categoryPath(slug: string): string;
export function productJsonLd(product: CatalogProduct, canonical: string): Record<string, unknown>;
export function productHead(product: CatalogProduct, shopUrl: string): ProductHead;
export function escapeHtml(text: string): string;
export function scriptJson(value: unknown): string;
export function renderHead(head: ProductHead): string;
export function injectHead(indexHtml: string, head: ProductHead): string;
export function sitemapXml(entries: SitemapEntries, shopUrl: string): string;
export function robotsTxt(shopUrl: string): string;
