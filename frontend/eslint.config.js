import { readdirSync } from 'node:fs';

import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries (as in bulletproof-react): code flows shared -> features -> app.
 * - a feature never imports another feature (the pages in app/ compose them);
 * - shared code (components/, hooks/, lib/, types/, utils/, test/) never imports a feature or the app;
 * - features never import the app.
 * Every folder under src/features/ is a feature, so a new one is covered without editing this file.
 */
const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const shared = ['components', 'hooks', 'lib', 'types', 'utils', 'test'].map((folder) => `./src/${folder}`);

const boundaryZones = [
  ...features.map((feature) => ({
    target: `./src/features/${feature}`,
    from: './src/features',
    except: [`./${feature}`],
    message: 'A feature never imports another feature: move what both need to src/lib or src/components, or compose them in src/app.',
  })),
  {
    target: './src/features',
    from: './src/app',
    message: 'Features never import the app.',
  },
  {
    target: shared,
    from: ['./src/features', './src/app'],
    message: 'Shared code never imports a feature or the app: pass what it needs in from src/app.',
  },
];

export default tseslint.config(
  // src/lib/api-types/ is generated from the services' OpenAPI (npm run gen:api).
  { ignores: ['dist', 'coverage', 'playwright-report', 'test-results', 'src/lib/api-types'] },
  {
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    files: ['**/*.{ts,tsx}'],
    languageOptions: {
      ecmaVersion: 2022,
      globals: { ...globals.browser, ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'react-hooks': reactHooks, 'react-refresh': reactRefresh },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-refresh/only-export-components': ['warn', { allowConstantExport: true }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: new URL('./tsconfig.app.json', import.meta.url).pathname })] },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: boundaryZones }] },
  },
  {
    // Test helpers and tests are never hot-reloaded.
    files: ['src/test/**', '**/*.test.{ts,tsx}'],
    rules: { 'react-refresh/only-export-components': 'off' },
  },
);
