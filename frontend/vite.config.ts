/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv, type Plugin } from 'vite';

import { seoMiddleware } from './server/seo-middleware.js';

/**
 * Findable products under `npm run dev` and `vite preview` as in production: the same
 * middleware as server/serve.js puts a product's head tags into the served index.html and
 * serves sitemap.xml and robots.txt (docs/frontend.md#findable-products-slugs-head-tags-sitemap).
 */
function findableProducts(): Plugin {
  const settings = (mode: string) => {
    const env = { ...loadEnv(mode, process.cwd(), ''), ...process.env };
    return {
      catalogUrl: env.CATALOG_INTERNAL_URL || env.VITE_CATALOG_URL || 'http://127.0.0.1:8002',
      shopUrl: env.SHOP_URL || undefined,
    };
  };
  return {
    name: 'findable-products',
    configureServer(server) {
      const indexPath = resolve(server.config.root, 'index.html');
      server.middlewares.use(
        seoMiddleware({
          ...settings(server.config.mode),
          // Vite's own transform adds its client and React refresh, as for any page it serves.
          readIndexHtml: async (url) => server.transformIndexHtml(url, await readFile(indexPath, 'utf8')),
        }),
      );
    },
    configurePreviewServer(server) {
      const indexPath = resolve(server.config.root, server.config.build.outDir, 'index.html');
      server.middlewares.use(
        seoMiddleware({ ...settings(server.config.mode), readIndexHtml: () => readFile(indexPath, 'utf8') }),
      );
    },
  };
}

export default defineConfig({
  plugins: [react(), tailwindcss(), findableProducts()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
  build: { sourcemap: true, chunkSizeWarningLimit: 900 },
  test: {
    css: false,
    // Two shared cores: a couple of workers keeps the machine usable for everyone else.
    pool: 'threads',
    maxWorkers: 2,
    // The machine is shared: generous timeouts keep slow-but-correct runs green.
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'app',
          environment: 'jsdom',
          globals: false,
          setupFiles: ['./src/test/setup.ts'],
          include: ['src/**/*.test.{ts,tsx}'],
          env: {
            VITE_IDENTITY_URL: 'http://identity.test',
            VITE_CATALOG_URL: 'http://catalog.test',
            VITE_STRIPE_PUBLISHABLE_KEY: 'pk_test_unit',
            VITE_STRIPE_JS_URL: 'http://stripe.test/js.stripe.com/v3/',
          },
          // The zod schemas against the generated API types (src/lib/api-schemas/*.test-d.ts), by tsc.
          typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.app.json' },
        },
      },
      {
        extends: true,
        test: {
          // Checks of the code base itself (lint boundaries, generated files) in plain Node.
          name: 'checks',
          environment: 'node',
          include: ['checks/**/*.test.ts', 'server/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
