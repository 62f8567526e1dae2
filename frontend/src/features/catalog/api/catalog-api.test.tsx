import { renderHook, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import type { ReactNode } from 'react';
import { describe, expect, it, vi } from 'vitest';

import { useProducts, useSearch } from '@/features/catalog/api/catalog-api';
import { ApiError } from '@/lib/api-client';
import { laptopSummary, productPage } from '@/test/fixtures';
import { CATALOG, server } from '@/test/server';
import { createTestQueryClient, Providers } from '@/test/test-utils';

function wrapper({ children }: { children: ReactNode }) {
  return <Providers client={createTestQueryClient()}>{children}</Providers>;
}

describe('catalog hooks', () => {
  it('sends only the filters that are set and validates the page', async () => {
    let query = '';
    server.use(
      http.get(`${CATALOG}/catalog/products`, ({ request }) => {
        query = new URL(request.url).search;
        return HttpResponse.json(productPage([laptopSummary]));
      }),
    );
    const { result } = renderHook(() => useProducts({ category: 'laptops', sort: 'price_asc', min_price: '10', in_stock: true, page: 2, max_price: undefined }), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    const params = new URLSearchParams(query);
    expect(Object.fromEntries(params)).toEqual({ category: 'laptops', sort: 'price_asc', min_price: '10', in_stock: 'true', page: '2' });
    expect(result.current.data?.items[0]?.price).toBe('899.00');
    expect(result.current.data?.items[0]?.category?.name).toBe('Laptops');
  });

  it('reports when the service answers something unexpected', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    server.use(http.get(`${CATALOG}/catalog/products`, () => HttpResponse.json({ items: 'nope' })));
    const { result } = renderHook(() => useProducts({ page: 1 }), { wrapper });
    await waitFor(() => expect(result.current.isError).toBe(true));
    expect(result.current.error).toBeInstanceOf(ApiError);
    // The mismatch is logged with the offending fields for whoever debugs the contract.
    expect(logged).toHaveBeenCalledWith('Unexpected response shape', expect.any(Array));
    logged.mockRestore();
  });

  it('searches with a typo and tells when the names were only similar', async () => {
    server.use(
      http.get(`${CATALOG}/catalog/search`, ({ request }) => {
        expect(new URL(request.url).searchParams.get('q')).toBe('lapotp');
        return HttpResponse.json(productPage([laptopSummary], { typo_corrected: true }));
      }),
    );
    const { result } = renderHook(() => useSearch('lapotp', 1), { wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data?.typo_corrected).toBe(true);
    expect(result.current.data?.items.map((p) => p.name)).toEqual(['Laptop 13']);
  });

  it('does not search for an empty query', () => {
    const { result } = renderHook(() => useSearch('  ', 1), { wrapper });
    expect(result.current.fetchStatus).toBe('idle');
  });
});
