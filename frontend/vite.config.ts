/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react(), tailwindcss()],
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
          include: ['checks/**/*.test.ts'],
          testTimeout: 120_000,
        },
      },
    ],
  },
});
