/** The address form's body must be one identity-commerce accepts (generated lib/api-types). */
import { describe, it } from 'vitest';

import type { toAddressBody } from '@/features/addresses/api/addresses-api';
import { sends, type RequestBody } from '@/lib/api-schemas/contract';
import type { paths } from '@/lib/api-types/identity-commerce';

describe('address request bodies', () => {
  it('create and update', () => {
    sends<RequestBody<paths['/addresses']['post']>>()<ReturnType<typeof toAddressBody>>();
    sends<RequestBody<paths['/addresses/{address_id}']['put']>>()<ReturnType<typeof toAddressBody>>();
  });
});
