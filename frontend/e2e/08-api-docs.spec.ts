import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

/*
 * Each service's API docs work with no network beyond the machine: /docs (Swagger UI) lists
 * every operation of the service's OpenAPI document, and "Try it out" → "Execute" on GET
 * /health shows the live answer; /redoc renders too. The services serve the docs' JavaScript
 * and CSS themselves (shopkit.docs), and this browser has no internet: every request the pages
 * make must stay on the service's own origin.
 */
const services = [
  { name: 'identity-commerce', url: process.env.IDENTITY_URL ?? 'http://127.0.0.1:18001' },
  { name: 'catalog-fulfillment', url: process.env.CATALOG_URL ?? 'http://127.0.0.1:18002' },
  { name: 'notifications', url: process.env.NOTIFICATIONS_URL ?? 'http://127.0.0.1:18010' },
];

/**
 * Collects every request the page makes to another origin that the browser did not refuse
 * itself. The docs pages carry a Content-Security-Policy, so a reference to elsewhere (ReDoc's
 * footer logo on cdn.redoc.ly) is blocked before it leaves the browser; anything else is a
 * request for a file the service should have served. ReDoc's search runs in a worker loaded
 * from a blob: URL of the page's own origin.
 */
function foreignRequests(page: Page, origin: string): Set<string> {
  const foreign = new Set<string>();
  page.on('request', (request) => {
    const url = request.url();
    const own = [`${origin}/`, `blob:${origin}/`, 'data:'].some((prefix) => url.startsWith(prefix));
    if (!own) foreign.add(url);
  });
  page.on('requestfailed', (request) => {
    if (/^csp$|BLOCKED_BY_CSP/i.test(request.failure()?.errorText ?? '')) foreign.delete(request.url());
  });
  return foreign;
}

/** "get /health", ... for every operation in the service's OpenAPI document. */
async function operationsOf(request: APIRequestContext, url: string): Promise<string[]> {
  const spec = (await (await request.get(`${url}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
}

for (const service of services) {
  test(`${service.name}: /docs lists its operations and runs GET /health live`, async ({ page, request }, testInfo) => {
    const origin = new URL(service.url).origin;
    const foreign = foreignRequests(page, origin);
    const operations = await operationsOf(request, service.url);

    await page.goto(`${service.url}/docs`);
    await expect(page.locator('.swagger-ui .info .title')).toContainText(/\S/);
    await expect(page.locator('.opblock')).toHaveCount(operations.length);

    const health = page.locator('.opblock-get').filter({
      has: page.locator('.opblock-summary-path[data-path="/health"]'),
    });
    await health.locator('.opblock-summary').click();
    await health.getByRole('button', { name: 'Try it out' }).click();
    await health.getByRole('button', { name: 'Execute' }).click();
    const answer = health.locator('.live-responses-table');
    await expect(answer.locator('tbody .response-col_status')).toHaveText('200');
    await expect(answer.locator('tbody .response-col_description pre').first()).toContainText(
      `"service": "${service.name}"`,
    );
    await page.screenshot({ path: testInfo.outputPath('docs.png'), fullPage: true });

    expect([...foreign]).toEqual([]);
  });

  test(`${service.name}: /redoc renders its operations`, async ({ page, request }) => {
    const origin = new URL(service.url).origin;
    const foreign = foreignRequests(page, origin);
    const operations = await operationsOf(request, service.url);
    await page.goto(`${service.url}/redoc`);
    await expect(page.getByRole('heading', { name: 'Process is up' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Database reachable' })).toBeVisible();
    await expect(page.locator('[data-section-id*="/operation/"]')).toHaveCount(operations.length);
    expect([...foreign]).toEqual([]);
  });
}
