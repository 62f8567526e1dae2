/**
 * Findable products, the pure part shared by the browser app, the Vite dev server and the
 * production server (server/serve.js): what a product page's <head> says (title,
 * description, canonical URL, Open Graph tags, schema.org Product JSON-LD), sitemap.xml and
 * robots.txt. Plain JavaScript so the production server runs it with Node alone (no build).
 *
 * Everything here is built from what the public catalog API answers, so it never shows
 * what a shopper could not see on the page itself.
 */

const SCHEMA_AVAILABILITY = {
  in_stock: 'https://schema.org/InStock',
  low_stock: 'https://schema.org/LimitedAvailability',
  out_of_stock: 'https://schema.org/OutOfStock',
};

const DESCRIPTION_LENGTH = 160; // what search engines show of a description

/** @param {string} url */
const trimSlash = (url) => url.replace(/\/+$/, '');

/** A product's page path: the slug is the one address search engines should know. */
export const productPath = (/** @type {string} */ slug) => `/products/${encodeURIComponent(slug)}`;
export const categoryPath = (/** @type {string} */ slug) => `/categories/${encodeURIComponent(slug)}`;

/** Path segments that are product ids (old links) rather than slugs. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @param {string} text */
function summary(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= DESCRIPTION_LENGTH ? flat : `${flat.slice(0, DESCRIPTION_LENGTH - 1).trimEnd()}…`;
}

/**
 * The availability of the product as a whole: in stock if any variant is, low if the best
 * one is low, otherwise out of stock.
 * @param {{variants: {stock_level: string, active?: boolean}[]}} product
 */
function overallStock(product) {
  const levels = product.variants.filter((v) => v.active !== false).map((v) => v.stock_level);
  if (levels.includes('in_stock')) return 'in_stock';
  if (levels.includes('low_stock')) return 'low_stock';
  return 'out_of_stock';
}

/**
 * schema.org Product for a catalog product detail (GET /catalog/products/{slug}): one Offer
 * when every variant costs the same, an AggregateOffer (low and high price) otherwise; an
 * AggregateRating only once someone reviewed it (a rating of 0 from 0 reviews is not one).
 * @param {import('./seo').CatalogProduct} product
 * @param {string} canonical
 */
export function productJsonLd(product, canonical) {
  const variants = product.variants.filter((v) => v.active !== false);
  const prices = variants.map((v) => Number(v.price));
  const low = variants.length ? variants[prices.indexOf(Math.min(...prices))].price : product.price;
  const high = variants.length ? variants[prices.indexOf(Math.max(...prices))].price : product.price;
  const availability = SCHEMA_AVAILABILITY[overallStock(product)];
  /** @type {Record<string, unknown>} */
  const ld = {
    '@context': 'https://schema.org',
    '@type': 'Product',
    name: product.name,
    description: product.description || product.name,
    url: canonical,
    sku: variants[0]?.sku,
    image: product.images.map((i) => i.url),
    category: product.category?.name,
    offers:
      low === high
        ? { '@type': 'Offer', price: low, priceCurrency: product.currency, availability, url: canonical }
        : {
            '@type': 'AggregateOffer',
            lowPrice: low,
            highPrice: high,
            offerCount: variants.length,
            priceCurrency: product.currency,
            availability,
            url: canonical,
          },
  };
  if (product.brand) ld.brand = { '@type': 'Brand', name: product.brand };
  if (product.rating_count > 0) {
    ld.aggregateRating = {
      '@type': 'AggregateRating',
      ratingValue: Math.round((product.rating_avg ?? 0) * 10) / 10,
      reviewCount: product.rating_count,
      bestRating: 5,
      worstRating: 1,
    };
  }
  return ld;
}

/**
 * Everything a product page's <head> says, as data: the browser app applies it to the
 * document, the servers render it into index.html.
 * @param {import('./seo').CatalogProduct} product
 * @param {string} shopUrl the shop's public origin, e.g. https://shop.example.com
 * @returns {import('./seo').ProductHead}
 */
export function productHead(product, shopUrl) {
  const canonical = `${trimSlash(shopUrl)}${productPath(product.slug)}`;
  const title = `${product.name} | Shop`;
  const description = summary(product.description || product.name);
  const image = product.images[0]?.url;
  const meta = [
    { name: 'description', content: description },
    { property: 'og:type', content: 'product' },
    { property: 'og:title', content: product.name },
    { property: 'og:description', content: description },
    { property: 'og:url', content: canonical },
    { property: 'og:site_name', content: 'Shop' },
    ...(image ? [{ property: 'og:image', content: image }] : []),
    { property: 'product:price:amount', content: product.price },
    { property: 'product:price:currency', content: product.currency },
  ];
  return { title, description, canonical, meta, jsonLd: productJsonLd(product, canonical) };
}

/** @param {string} text */
export function escapeHtml(text) {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * JSON inside <script>: `<` escaped so a product text containing `</script>` or `<!--`
 * cannot end the script element (the JSON still parses to the same value).
 * @param {unknown} value
 */
export function scriptJson(value) {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** @param {import('./seo').ProductHead} head */
export function renderHead(head) {
  const attr = (/** @type {import('./seo').HeadMeta} */ m) =>
    Object.entries(m)
      .map(([k, v]) => `${k}="${escapeHtml(v)}"`)
      .join(' ');
  return [
    `<title>${escapeHtml(head.title)}</title>`,
    `<link rel="canonical" href="${escapeHtml(head.canonical)}" />`,
    ...head.meta.map((m) => `<meta ${attr(m)} />`),
    `<script type="application/ld+json">${scriptJson(head.jsonLd)}</script>`,
  ].join('\n    ');
}

/**
 * index.html with the product's head: its own <title> and description replace the
 * shop-wide ones (two titles would leave crawlers to guess), the rest goes before </head>.
 * @param {string} indexHtml
 * @param {import('./seo').ProductHead} head
 */
export function injectHead(indexHtml, head) {
  const cleaned = indexHtml
    .replace(/<title>[\s\S]*?<\/title>\s*/i, '')
    .replace(/<meta\s+name="description"[^>]*>\s*/i, '');
  return cleaned.replace(/<\/head>/i, `  ${renderHead(head)}\n  </head>`);
}

/** @param {string} text */
const xml = (text) => escapeHtml(text);

/**
 * sitemap.xml from GET /catalog/sitemap: the home page, every category and every active
 * product (the catalog never lists an archived one).
 * @param {import('./seo').SitemapEntries} entries
 * @param {string} shopUrl
 */
export function sitemapXml(entries, shopUrl) {
  const base = trimSlash(shopUrl);
  /** @param {string} loc @param {string} [lastmod] */
  const url = (loc, lastmod) =>
    `  <url><loc>${xml(base + loc)}</loc>${lastmod ? `<lastmod>${xml(lastmod)}</lastmod>` : ''}</url>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    url('/'),
    url('/stores'),
    ...entries.categories.map((c) => url(categoryPath(c.slug))),
    ...entries.products.map((p) => url(productPath(p.slug), p.updated_at)),
    '</urlset>',
    '',
  ].join('\n');
}

/** robots.txt: crawl the shop, not the carts, accounts or admin; the sitemap is here. */
export function robotsTxt(/** @type {string} */ shopUrl) {
  return [
    'User-agent: *',
    'Disallow: /admin',
    'Disallow: /cart',
    'Disallow: /checkout',
    'Disallow: /account',
    'Disallow: /orders',
    `Sitemap: ${trimSlash(shopUrl)}/sitemap.xml`,
    '',
  ].join('\n');
}
