import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { CategoryPage } from '@/app/routes/category';
import { laptopSummary, productPage } from '@/test/fixtures';
import { CATALOG, server } from '@/test/server';
import { renderWithRouter } from '@/test/test-utils';

const tree = [
  { id: 'c0', name: 'Electronics', slug: 'electronics', description: '', parent_id: null, children: [{ id: 'c1', name: 'Laptops', slug: 'laptops', description: '', parent_id: 'c0', children: [] }] },
];

describe('category page', () => {
  it('keeps filters, sort and page in the URL and sends them to the catalog', async () => {
    const seen: string[] = [];
    server.use(
      http.get(`${CATALOG}/catalog/categories`, () => HttpResponse.json(tree)),
      http.get(`${CATALOG}/catalog/products`, ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json(
          productPage([laptopSummary], {
            total: 30,
            page_size: 12,
            facets: { categories: [], price_bands: [{ min: '0.00', max: '500.00', count: 3 }, { min: '500.00', max: null, count: 27 }] },
          }),
        );
      }),
    );
    const { router } = renderWithRouter(<CategoryPage />, { route: '/categories/:slug', path: '/categories/electronics' });
    expect(await screen.findByRole('heading', { level: 1, name: 'Electronics' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Laptops' })).toHaveAttribute('href', '/categories/laptops');
    await screen.findByText('30 products');

    await userEvent.selectOptions(screen.getByLabelText('Sort by'), 'price_desc');
    await waitFor(() => expect(router.state.location.search).toBe('?sort=price_desc'));

    await userEvent.click(screen.getByRole('button', { name: /\$500\.00 and up/ }));
    await waitFor(() => expect(router.state.location.search).toBe('?sort=price_desc&min_price=500.00'));

    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    await waitFor(() => expect(new URLSearchParams(router.state.location.search).get('page')).toBe('2'));
    await waitFor(() => expect(seen.at(-1)).toContain('page=2'));
    expect(seen.at(-1)).toContain('min_price=500.00');
    expect(seen.at(-1)).toContain('category=electronics');

    await userEvent.type(screen.getByLabelText('Max price'), 'abc');
    await userEvent.click(screen.getByRole('button', { name: 'Apply filters' }));
    expect(screen.getByLabelText('Max price')).toHaveAccessibleDescription('Enter an amount like 100 or 99.99');
  });

  it('says when the number of products is an estimate', async () => {
    server.use(
      http.get(`${CATALOG}/catalog/categories`, () => HttpResponse.json(tree)),
      http.get(`${CATALOG}/catalog/products`, () =>
        HttpResponse.json(productPage([laptopSummary], { total: 8300, total_estimated: true })),
      ),
    );
    renderWithRouter(<CategoryPage />, { route: '/categories/:slug', path: '/categories/electronics?in_stock=true' });
    expect(await screen.findByText('About 8300 products')).toBeInTheDocument();
  });
});
