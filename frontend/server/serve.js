#!/usr/bin/env node
/**
 * The production frontend server (the compose and Kubernetes frontend image): the built app
 * from dist/, with the findable-products routes (seo-middleware.js: product pages with their
 * head tags, old id links redirected, sitemap.xml, robots.txt) in front of it. Node alone,
 * no dependencies.
 *
 *   node server/serve.js [--port 8080] [--host 0.0.0.0] [--dist dist]
 *
 * Environment: CATALOG_INTERNAL_URL (where this server reaches catalog-fulfillment; default
 * VITE_CATALOG_URL, then http://127.0.0.1:8002), SHOP_URL (the shop's public origin for
 * canonical URLs and the sitemap; unset: the request's own origin), PORT, HOST, DIST_DIR.
 */

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';

import { seoMiddleware } from './seo-middleware.js';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

const HEALTH = JSON.stringify({ status: 'ok', service: 'frontend' });
const READY = JSON.stringify({ status: 'ok' });

/**
 * @param {{ distDir: string, catalogUrl: string, shopUrl: string | undefined }} config
 */
export function createFrontendServer({ distDir, catalogUrl, shopUrl }) {
  const root = resolve(distDir);
  const indexPath = join(root, 'index.html');
  /** @type {Promise<string> | undefined} */
  let indexHtml; // read once: the bundle does not change under a running server
  const readIndexHtml = () => (indexHtml ??= readFile(indexPath, 'utf8'));
  const seo = seoMiddleware({ catalogUrl, shopUrl, readIndexHtml });

  /** A file under dist/ for a URL path, never outside it (../ and encoded tricks). */
  async function fileFor(/** @type {string} */ pathname) {
    let decoded;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const path = normalize(join(root, decoded));
    if (path !== root && !path.startsWith(root + sep)) return undefined;
    try {
      const info = await stat(path);
      return info.isFile() ? { path, size: info.size } : undefined;
    } catch {
      return undefined;
    }
  }

  return createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://shop.invalid').pathname;
    const json = (/** @type {string} */ body) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (pathname === '/health') return json(HEALTH);
    if (pathname === '/health/ready') return json(READY);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      return res.end('Method not allowed\n');
    }
    seo(req, res, (error) => {
      if (error) {
        console.error('frontend: product head failed', error);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        return res.end('Internal error\n');
      }
      void serveStatic(req, res, pathname);
    });
  });

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {string} pathname
   */
  async function serveStatic(req, res, pathname) {
    const file = await fileFor(pathname);
    const immutable = pathname.startsWith('/assets/');
    if (!file && immutable) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('Not found\n');
    }
    // Unknown paths are the app's own routes (/cart, /admin/orders): index.html.
    const target = file ?? { path: indexPath, size: (await stat(indexPath)).size };
    res.writeHead(200, {
      'Content-Type': TYPES[/** @type {keyof typeof TYPES} */ (extname(target.path))] ?? 'application/octet-stream',
      'Content-Length': target.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(target.path).pipe(res);
  }
}

function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, dist: { type: 'string' } },
  });
  const env = process.env;
  const port = Number(values.port ?? env.PORT ?? 8080);
  const host = values.host ?? env.HOST ?? '0.0.0.0';
  const server = createFrontendServer({
    distDir: values.dist ?? env.DIST_DIR ?? new URL('../dist', import.meta.url).pathname,
    catalogUrl: env.CATALOG_INTERNAL_URL || env.VITE_CATALOG_URL || 'http://127.0.0.1:8002',
    shopUrl: env.SHOP_URL || undefined,
  });
  server.listen(port, host, () => console.log(`frontend: serving on http://${host}:${port}`));
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => server.close(() => process.exit(0)));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
