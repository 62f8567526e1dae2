/**
 * The server side of findable products, one connect-style middleware for the Vite dev
 * server, `vite preview` and the production server (serve.js):
 *
 *   GET /products/<slug>  index.html with the product's title, description, canonical URL,
 *                         Open Graph tags and JSON-LD in its <head>, so a crawler that runs
 *                         no JavaScript sees them; an unknown product answers 404 (the app
 *                         still renders its not-found page)
 *   GET /products/<uuid>  301 to /products/<slug> (links from before slugs, cart and order
 *                         lines, which only know the id)
 *   GET /sitemap.xml      from GET /catalog/sitemap
 *   GET /robots.txt       points at the sitemap
 *
 * When the catalog does not answer, a product page falls through to the plain app (the
 * shopper still gets the page; only the head tags are missing) and the sitemap answers 503.
 */

import { injectHead, productHead, productPath, robotsTxt, sitemapXml } from './seo.js';

const PRODUCT_PATH = /^\/products\/([A-Za-z0-9-]{1,220})\/?$/;
// A Host header is only trusted to build URLs when it looks like one (host[:port]).
const PLAIN_HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-fA-F:.]+\](?::\d{1,5})?$/;

/**
 * @typedef {object} SeoOptions
 * @property {string} catalogUrl where this server reaches catalog-fulfillment
 * @property {string | undefined} shopUrl the shop's public origin (canonical URLs, sitemap);
 *   unset: the request's own origin (development)
 * @property {(url: string) => Promise<string>} readIndexHtml the app's index.html for a URL
 * @property {number} [timeoutMs] how long to wait for the catalog
 */

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {string | undefined} configured
 */
function originOf(req, configured) {
  if (configured) return configured.replace(/\/+$/, '');
  const host = req.headers.host ?? '';
  return `http://${PLAIN_HOST.test(host) ? host : 'localhost'}`;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} type
 * @param {string} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, type, body, headers = {}) {
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(res.req?.method === 'HEAD' ? undefined : body);
}

/** @param {SeoOptions} options */
export function seoMiddleware(options) {
  const catalogUrl = options.catalogUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;

  /** @param {string} path */
  async function catalog(path) {
    return fetch(`${catalogUrl}${path}`, {
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {(error?: unknown) => void} next
   */
  async function handle(req, res, next) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const url = new URL(req.url ?? '/', 'http://shop.invalid');
    const shopUrl = originOf(req, options.shopUrl);

    if (url.pathname === '/robots.txt') {
      return send(res, 200, 'text/plain; charset=utf-8', robotsTxt(shopUrl), { 'Cache-Control': 'public, max-age=3600' });
    }
    if (url.pathname === '/sitemap.xml') {
      let response;
      try {
        response = await catalog('/catalog/sitemap');
      } catch {
        response = undefined;
      }
      if (!response?.ok) {
        return send(res, 503, 'text/plain; charset=utf-8', 'The catalog is not answering; try again shortly.\n', { 'Retry-After': '30' });
      }
      const entries = /** @type {import('./seo').SitemapEntries} */ (await response.json());
      return send(res, 200, 'application/xml; charset=utf-8', sitemapXml(entries, shopUrl), { 'Cache-Control': 'public, max-age=300' });
    }

    const match = PRODUCT_PATH.exec(url.pathname);
    if (!match) return next();
    const key = match[1];
    let response;
    try {
      response = await catalog(`/catalog/products/${encodeURIComponent(key)}`);
    } catch {
      return next(); // the catalog is down: the plain app, which says so itself
    }
    if (response.status === 404) {
      return send(res, 404, 'text/html; charset=utf-8', await options.readIndexHtml(req.url ?? '/'), { 'Cache-Control': 'no-cache' });
    }
    if (!response.ok) return next();
    const product = /** @type {import('./seo').CatalogProduct} */ (await response.json());
    if (key !== product.slug) {
      // An id (the catalog finds a product by its current slug or its id): one address
      // per product, the slug.
      const location = productPath(product.slug) + url.search;
      return send(res, 301, 'text/plain; charset=utf-8', `See ${location}\n`, { Location: location });
    }
    const html = injectHead(await options.readIndexHtml(req.url ?? '/'), productHead(product, shopUrl));
    return send(res, 200, 'text/html; charset=utf-8', html, { 'Cache-Control': 'no-cache' });
  }

  /** Connect-style: errors go to `next` (the server's own error handling). */
  return (
    /** @type {import('node:http').IncomingMessage} */ req,
    /** @type {import('node:http').ServerResponse} */ res,
    /** @type {(error?: unknown) => void} */ next,
  ) => {
    handle(req, res, next).catch(next);
  };
}
