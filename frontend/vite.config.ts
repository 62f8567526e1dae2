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
    environment: 'jsdom',
    globals: false,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    // Two shared cores: a couple of workers keeps the machine usable for everyone else.
    pool: 'threads',
    maxWorkers: 2,
    // The machine is shared: generous timeouts keep slow-but-correct runs green.
    testTimeout: 20_000,
    env: {
      VITE_IDENTITY_URL: 'http://identity.test',
      VITE_CATALOG_URL: 'http://catalog.test',
      VITE_STRIPE_PUBLISHABLE_KEY: 'pk_test_unit',
      VITE_STRIPE_JS_URL: 'http://stripe.test/js.stripe.com/v3/',
    },
  },
});
