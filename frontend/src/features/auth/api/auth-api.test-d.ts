/** What the account pages send must be a body identity-commerce accepts (generated lib/api-types). */
import { describe, it } from 'vitest';

import type { LoginInput, SignupInput } from '@/features/auth/api/auth-api';
import { sends, type RequestBody } from '@/lib/api-schemas/contract';
import type { paths } from '@/lib/api-types/identity-commerce';

describe('account request bodies', () => {
  it('sign-up, sign-in and profile', () => {
    sends<RequestBody<paths['/auth/login']['post']>>()<LoginInput>();
    sends<RequestBody<paths['/auth/signup']['post']>>()<SignupInput>();
    sends<RequestBody<paths['/auth/me']['patch']>>()<{ first_name: string; last_name: string; phone?: string | null }>();
  });
});
