import { defineConfig } from '@playwright/test';

/**
 * Browser journeys against the real stack (frontend/e2e/run.sh starts it through
 * scripts/stack.py and exports FRONTEND_URL and the service URLs). The system Chromium is used:
 * browsers are never downloaded here.
 */
const frontendUrl = process.env.FRONTEND_URL ?? 'http://127.0.0.1:15173';

export default defineConfig({
  testDir: './e2e',
  // The journeys share one seeded stack and build on each other (the admin ships the order the
  // shopper placed), so they run one after another.
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  outputDir: 'test-results',
  use: {
    baseURL: frontendUrl,
    viewport: { width: 1280, height: 900 },
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
