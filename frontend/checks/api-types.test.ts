import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * src/lib/api-types/*.ts must be exactly what docs/api/openapi/*.json generates (the services'
 * OpenAPI, kept current by tests/test_api_types.py). `make api-types` regenerates both.
 */
const frontend = fileURLToPath(new URL('..', import.meta.url));
const openapiDir = path.resolve(frontend, '../docs/api/openapi');
const typesDir = path.join(frontend, 'src/lib/api-types');
const run = promisify(execFile);

function check(...args: string[]) {
  return run(process.execPath, ['scripts/gen-api-types.mjs', '--check', ...args], { cwd: frontend });
}

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('generated API types', () => {
  it('are up to date with the committed OpenAPI documents', async () => {
    await expect(check()).resolves.toBeDefined();
  });

  it('are reported stale when a service changes its OpenAPI', async () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'openapi-'));
    scratch.push(copy);
    cpSync(openapiDir, copy, { recursive: true });
    const file = path.join(copy, 'catalog-fulfillment.json');
    const document = JSON.parse(readFileSync(file, 'utf8')) as { components: { schemas: Record<string, { properties: object }> } };
    document.components.schemas.ProductDetail.properties = { ...document.components.schemas.ProductDetail.properties, new_field: { type: 'string' } };
    writeFileSync(file, JSON.stringify(document));

    const failure = await check(`--openapi-dir=${copy}`, `--types-dir=${typesDir}`).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('catalog-fulfillment.ts');
    expect(failure?.stderr).not.toContain('identity-commerce.ts');
  });
});
