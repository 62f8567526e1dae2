import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { SearchBox } from '@/features/catalog/components/search-box';
import { laptopSummary, productPage } from '@/test/fixtures';
import { CATALOG, server } from '@/test/server';
import { renderWithRouter } from '@/test/test-utils';

const routes = [
  { path: '/search', element: <p>Search results page</p> },
  { path: '/products/:id', element: <p>Product page</p> },
];

describe('SearchBox', () => {
  it('suggests products while typing, even with a typo, and opens one with the keyboard', async () => {
    server.use(
      http.get(`${CATALOG}/catalog/search`, ({ request }) =>
        HttpResponse.json(productPage(new URL(request.url).searchParams.get('q') === 'lapotp' ? [laptopSummary] : [])),
      ),
    );
    renderWithRouter(<SearchBox />, { routes });
    const input = screen.getByRole('combobox', { name: 'Search products' });
    await userEvent.type(input, 'lapotp');
    const option = await screen.findByRole('option', { name: /Laptop 13/ });
    expect(input).toHaveAttribute('aria-expanded', 'true');
    await userEvent.keyboard('{ArrowDown}');
    expect(option).toHaveAttribute('aria-selected', 'true');
    expect(input).toHaveAttribute('aria-activedescendant', option.id);
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByText('Product page')).toBeInTheDocument();
  });

  it('searches for the typed text on Enter', async () => {
    server.use(http.get(`${CATALOG}/catalog/search`, () => HttpResponse.json(productPage([]))));
    const { router } = renderWithRouter(<SearchBox />, { routes });
    await userEvent.type(screen.getByRole('combobox', { name: 'Search products' }), 'tent{Enter}');
    expect(await screen.findByText('Search results page')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?q=tent');
  });
});
