import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The import boundaries in eslint.config.js, proven on code that breaks them: each snippet is
 * linted with the project's own configuration as if it were the named file (which exists, so the
 * type-aware rules see a real program).
 */
const frontend = fileURLToPath(new URL('..', import.meta.url));
const RULE = 'import-x/no-restricted-paths';

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: frontend });
});

async function boundaryErrors(filePath: string, code: string) {
  const [result] = await eslint.lintText(code, { filePath: `${frontend}${filePath}` });
  return (result?.messages ?? []).filter((message) => message.ruleId === RULE).map((message) => message.message);
}

describe('import boundaries', () => {
  it('refuse a feature importing another feature', async () => {
    const errors = await boundaryErrors(
      'src/features/checkout/api/checkout-api.ts',
      "import { useCart } from '@/features/cart/api/cart-api';\nexport const x = useCart;\n",
    );
    expect(errors).toEqual([expect.stringContaining('A feature never imports another feature')]);
  });

  it('refuse a type-only import across features too', async () => {
    const errors = await boundaryErrors(
      'src/features/admin/lib/product-form.ts',
      "import type { Origin } from '@/features/stores/api/stores-api';\nexport type X = Origin;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('refuse shared code importing a feature', async () => {
    const errors = await boundaryErrors(
      'src/lib/api-client.ts',
      "import { useSignOut } from '@/features/auth/api/auth-api';\nexport const x = useSignOut;\n",
    );
    expect(errors).toEqual([expect.stringContaining('Shared code never imports a feature')]);
  });

  it('refuse a shared component importing the app', async () => {
    const errors = await boundaryErrors(
      'src/components/ui/button.tsx',
      "import { routes } from '@/app/routes';\nexport const x = routes;\n",
    );
    expect(errors).toHaveLength(1);
  });

  it('refuse a feature importing the app', async () => {
    const errors = await boundaryErrors(
      'src/features/cart/api/cart-api.ts',
      "import { CartPage } from '@/app/routes/cart';\nexport const x = CartPage;\n",
    );
    expect(errors).toEqual([expect.stringContaining('Features never import the app')]);
  });

  it('allow a feature its own modules and shared code, and the app every feature', async () => {
    expect(
      await boundaryErrors(
        'src/features/cart/components/add-to-cart.tsx',
        "import { useAddToCart } from '@/features/cart/api/cart-api';\nimport { formatMoney } from '@/lib/money';\nexport const x = [useAddToCart, formatMoney];\n",
      ),
    ).toEqual([]);
    expect(
      await boundaryErrors(
        'src/app/routes/checkout.tsx',
        "import { useCart } from '@/features/cart/api/cart-api';\nimport { CheckoutFlow } from '@/features/checkout/components/checkout-flow';\nexport const x = [useCart, CheckoutFlow];\n",
      ),
    ).toEqual([]);
  });
});
