import { z } from 'zod';

import type { ProductInput } from '@/features/admin/api/admin-products-api';
import type { ProductDetail } from '@/lib/api-schemas/catalog-fulfillment';

/** Attributes are edited as "colour=Black, storage=256 GB": quick to type, easy to read. */
export function parseAttributes(text: string): Record<string, string> | null {
  const result: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const index = part.indexOf('=');
    if (index <= 0) return null;
    const key = part.slice(0, index).trim();
    const value = part.slice(index + 1).trim();
    if (!key || !value) return null;
    result[key] = value;
  }
  return result;
}

export function formatAttributes(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

export interface VariantRow {
  key: string;
  existing: boolean;
  sku: string;
  name: string;
  attributes: string;
  price: string;
  on_hand: string;
  reorder_level: string;
  available?: number;
}

export interface ImageRow {
  key: string;
  url: string;
  alt: string;
}

export interface ProductFormValues {
  name: string;
  slug: string;
  brand: string;
  description: string;
  category_id: string;
  currency: string;
  images: ImageRow[];
  variants: VariantRow[];
}

let rowCounter = 0;
export const rowKey = () => `row-${++rowCounter}`;

export function emptyVariant(): VariantRow {
  return { key: rowKey(), existing: false, sku: '', name: '', attributes: '', price: '', on_hand: '0', reorder_level: '5' };
}

export function toFormValues(product?: ProductDetail): ProductFormValues {
  if (!product) {
    return { name: '', slug: '', brand: '', description: '', category_id: '', currency: 'USD', images: [], variants: [emptyVariant()] };
  }
  return {
    name: product.name,
    slug: product.slug ?? '',
    brand: product.brand ?? '',
    description: product.description,
    category_id: product.category?.id ?? '',
    currency: product.currency,
    images: product.images.map((image) => ({ key: rowKey(), url: image.url, alt: image.alt ?? '' })),
    variants: product.variants
      .filter((variant) => variant.active)
      .map((variant) => ({
        key: rowKey(),
        existing: true,
        sku: variant.sku,
        name: variant.name,
        attributes: formatAttributes(variant.attributes),
        price: variant.price,
        on_hand: '0',
        reorder_level: '5',
        available: variant.available ?? undefined,
      })),
  };
}

const skuRe = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const priceRe = /^\d{1,10}(\.\d{1,2})?$/;

/** Checks the whole form; errors are keyed like "variants.2.price" to sit next to their input. */
export function checkProductForm(values: ProductFormValues): { ok: true; input: ProductInput } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!values.name.trim()) errors.name = 'Enter a product name';
  if (values.slug && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(values.slug)) errors.slug = 'Lower-case letters, digits and dashes only';
  if (!values.category_id) errors.category_id = 'Choose a category';
  if (!/^[A-Z]{3}$/.test(values.currency)) errors.currency = 'A three-letter currency code such as USD';
  if (values.variants.length === 0) errors.variants = 'Add at least one variant';

  const seen = new Set<string>();
  const variants = values.variants.map((row, index) => {
    const at = `variants.${index}`;
    if (!skuRe.test(row.sku)) errors[`${at}.sku`] = 'Letters, digits, dot, dash or underscore';
    else if (seen.has(row.sku)) errors[`${at}.sku`] = 'Each sku only once';
    seen.add(row.sku);
    if (!row.name.trim()) errors[`${at}.name`] = 'Enter a variant name';
    const attributes = parseAttributes(row.attributes);
    if (!attributes) errors[`${at}.attributes`] = 'Write them as name=value, separated by commas';
    if (!priceRe.test(row.price.trim())) errors[`${at}.price`] = 'A price like 19.99';
    if (!/^\d+$/.test(row.on_hand.trim())) errors[`${at}.on_hand`] = 'Whole units, 0 or more';
    if (!/^\d+$/.test(row.reorder_level.trim())) errors[`${at}.reorder_level`] = 'Whole units, 0 or more';
    return {
      sku: row.sku.trim(),
      name: row.name.trim(),
      attributes: attributes ?? {},
      price: row.price.trim(),
      on_hand: Number(row.on_hand),
      reorder_level: Number(row.reorder_level),
    };
  });

  values.images.forEach((image, index) => {
    if (!z.url().safeParse(image.url).success && !image.url.startsWith('/static/')) {
      errors[`images.${index}.url`] = 'An http(s) address or a /static/ path';
    }
  });

  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    input: {
      name: values.name.trim(),
      slug: values.slug.trim() || undefined,
      brand: values.brand.trim() || null,
      description: values.description,
      category_id: values.category_id,
      currency: values.currency,
      images: values.images.map((image) => ({ url: image.url.trim(), alt: image.alt.trim() })),
      variants,
    },
  };
}
