import { z } from 'zod';

/**
 * Settings baked in at build time from VITE_* variables. Validated once so a typo in a URL
 * fails loudly at start-up instead of as a confusing network error on the first click.
 */
const envSchema = z.object({
  VITE_IDENTITY_URL: z.url().default('http://127.0.0.1:8001'),
  VITE_CATALOG_URL: z.url().default('http://127.0.0.1:8002'),
  VITE_STRIPE_PUBLISHABLE_KEY: z.string().min(1).default('pk_test_dev_shop'),
  // localstripe serves a Stripe.js stand-in in dev and tests; production points at js.stripe.com.
  VITE_STRIPE_JS_URL: z.url().default('http://127.0.0.1:8420/js.stripe.com/v3/'),
  // Empty means "no tiles": the store map then draws bundled country outlines only (offline-safe).
  VITE_MAP_TILE_URL: z.string().optional().default(''),
  VITE_MAP_TILE_ATTRIBUTION: z.string().optional().default(''),
});

const parsed = envSchema.parse(
  Object.fromEntries(
    Object.entries(import.meta.env).filter(([, value]) => value !== '' && value !== undefined),
  ),
);

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export const env = {
  identityUrl: trimSlash(parsed.VITE_IDENTITY_URL),
  catalogUrl: trimSlash(parsed.VITE_CATALOG_URL),
  stripePublishableKey: parsed.VITE_STRIPE_PUBLISHABLE_KEY,
  stripeJsUrl: parsed.VITE_STRIPE_JS_URL,
  mapTileUrl: parsed.VITE_MAP_TILE_URL,
  mapTileAttribution: parsed.VITE_MAP_TILE_ATTRIBUTION,
} as const;
