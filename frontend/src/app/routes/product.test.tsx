import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';

import { ProductPage } from '@/app/routes/product';
import { laptop } from '@/test/fixtures';
import { CATALOG, IDENTITY, server } from '@/test/server';
import { renderWithRouter, signInAs } from '@/test/test-utils';

// Only Bob bought it: the rating is his 5 stars; Eve's review is shown but not counted.
const reviews = {
  items: [
    { id: 'r1', product_id: laptop.id, user_id: 'u2', author_name: 'Bob', rating: 5, title: 'Great', comment: 'Fast and light', verified_purchase: true, created_at: '2026-11-01T00:00:00Z' },
    { id: 'r2', product_id: laptop.id, user_id: 'u3', author_name: 'Eve', rating: 1, title: 'Bad', comment: 'Never had one', verified_purchase: false, created_at: '2026-11-02T00:00:00Z' },
  ],
  average: 5,
  rating_count: 1,
  unverified_count: 1,
  count: 2,
  histogram: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 1 },
  page: 1,
  page_size: 20,
};

function mockProduct() {
  server.use(
    // The catalog finds a product by its slug or its id.
    http.get(`${CATALOG}/catalog/products/:key`, ({ params }) =>
      params.key === laptop.slug || params.key === laptop.id ? HttpResponse.json(laptop) : HttpResponse.json({ detail: 'No such product' }, { status: 404 }),
    ),
    http.get(`${CATALOG}/reviews/product/${laptop.id}`, () => HttpResponse.json(reviews)),
  );
}

const renderProduct = (key: string = laptop.slug) =>
  renderWithRouter(<ProductPage />, { route: '/products/:slug', path: `/products/${key}`, routes: [{ path: '/login', element: <p>Login page</p> }] });

describe('product page', () => {
  it('shows the gallery, the price of the chosen variant and its availability', async () => {
    mockProduct();
    renderProduct();
    expect(await screen.findByRole('heading', { level: 1, name: 'Laptop 13' })).toBeInTheDocument();
    expect(screen.getByTestId('price')).toHaveTextContent('$899.00');
    // The catalog tells shoppers a level, never how many are left.
    expect(screen.getByText('Only a few left')).toBeInTheDocument();
    expect(screen.queryByText(/\d+ left/)).not.toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Show photo 2' }));
    expect(screen.getByRole('img', { name: 'Laptop side' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Black' }));
    expect(screen.getByTestId('price')).toHaveTextContent('$999.00');
    expect(screen.getByText('In stock')).toBeInTheDocument();
    expect(screen.getByText('SKU LAP-13-16-BLK')).toBeInTheDocument();

    // 16 GB Silver exists but is sold out: the picker says so before it is chosen.
    await userEvent.click(screen.getByRole('button', { name: 'Silver, sold out' }));
    expect(screen.getByText('SKU LAP-13-16-SIL')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Sold out' })).toBeDisabled();
  });

  it('lists reviews with the verified-purchase badge and the histogram', async () => {
    mockProduct();
    renderProduct();
    const section = await screen.findByRole('region', { name: 'Reviews' });
    await waitFor(() => expect(within(section).getByText('Fast and light')).toBeInTheDocument());
    expect(within(section).getByText('Never had one')).toBeInTheDocument();
    expect(within(section).getAllByText('Verified purchase')).toHaveLength(1);
    expect(within(section).getByText('Sign in')).toBeInTheDocument();
  });

  it('rates by verified purchases and says how many reviews are not counted', async () => {
    mockProduct();
    renderProduct();
    const section = await screen.findByRole('region', { name: 'Reviews' });
    expect(await within(section).findByText('5.0')).toBeInTheDocument();
    expect(within(section).getByText(/Rated by verified purchases only; 1 review without one is shown but not counted/)).toBeInTheDocument();
    // The histogram shares are of the one verified review: 5 stars is all of it.
    const fiveStars = within(section).getByText('5 stars').closest('div');
    expect(fiveStars?.querySelector('[style]')).toHaveStyle({ width: '100%' });
  });

  it('offers up to ten without knowing the exact stock, and none when sold out', async () => {
    mockProduct();
    renderProduct();
    await screen.findByRole('heading', { level: 1, name: 'Laptop 13' });
    expect(within(screen.getByLabelText('Quantity')).getAllByRole('option')).toHaveLength(10);
    await userEvent.click(screen.getByRole('button', { name: 'Black' }));
    await userEvent.click(screen.getByRole('button', { name: 'Silver, sold out' }));
    expect(screen.getByText('SKU LAP-13-16-SIL')).toBeInTheDocument();
    expect(screen.getByLabelText('Quantity')).toBeDisabled();
  });

  it('lets a visitor add to a guest cart without signing in', async () => {
    window.localStorage.removeItem('shop.guestCartToken');
    mockProduct();
    let cartToken: string | null = null;
    let authorization: string | null = 'unset';
    server.use(
      http.post(`${IDENTITY}/cart/guest`, () => HttpResponse.json({ cart_token: 'guest-token-0123456789abcdef' }, { status: 201 })),
      http.post(`${IDENTITY}/cart/items`, ({ request }) => {
        cartToken = request.headers.get('X-Cart-Token');
        authorization = request.headers.get('Authorization');
        return HttpResponse.json({ id: 'line-9', sku: 'LAP-13-16-BLK', product_id: laptop.id, name: 'Laptop', unit_price: '999.00', currency: 'USD', quantity: 1, line_total: '999.00', available: true, available_quantity: 12 }, { status: 201 });
      }),
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json({ items: [], subtotal: '0.00', currency: 'USD', item_count: 0, refreshed: true })),
    );
    renderProduct();
    await userEvent.click(await screen.findByRole('button', { name: 'Add to cart' }));
    expect(await screen.findByText(/Added 1 × Laptop/)).toBeInTheDocument();
    expect(cartToken).toBe('guest-token-0123456789abcdef');
    expect(authorization).toBeNull();
    expect(screen.queryByText('Login page')).not.toBeInTheDocument();
    window.localStorage.removeItem('shop.guestCartToken');
  });

  it('adds the chosen variant to the cart with a toast', async () => {
    signInAs('customer');
    mockProduct();
    let body: unknown = null;
    server.use(
      http.post(`${IDENTITY}/cart/items`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ id: 'line-9', sku: 'LAP-13-16-BLK', product_id: laptop.id, name: 'Laptop', unit_price: '999.00', currency: 'USD', quantity: 2, line_total: '1998.00', available: true, available_quantity: 12 }, { status: 201 });
      }),
      http.get(`${IDENTITY}/cart`, () => HttpResponse.json({ items: [], subtotal: '0.00', currency: 'USD', item_count: 0, refreshed: true })),
      http.get(`${IDENTITY}/auth/me`, () => HttpResponse.json({ id: 'u', email: 'a@b.c', first_name: 'A', last_name: 'B', phone: null, role: 'customer' })),
    );
    renderProduct();
    await userEvent.click(await screen.findByRole('button', { name: 'Black' }));
    await userEvent.selectOptions(screen.getByLabelText('Quantity'), '2');
    await userEvent.click(screen.getByRole('button', { name: 'Add to cart' }));
    await waitFor(() => expect(body).toEqual({ sku: 'LAP-13-16-BLK', quantity: 2 }));
    expect(await screen.findByText(/Added 2 × Laptop 13 \(16 GB Black\) to your cart/)).toBeInTheDocument();
  });

  it('explains a stock conflict next to the button', async () => {
    signInAs('customer');
    mockProduct();
    server.use(http.post(`${IDENTITY}/cart/items`, () => HttpResponse.json({ detail: 'Not enough stock' }, { status: 409 })));
    renderProduct();
    await userEvent.click(await screen.findByRole('button', { name: 'Add to cart' }));
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.some((a) => a.textContent?.includes('not enough stock'))).toBe(true);
  });

  it('offers a retry when the catalog is down', async () => {
    let calls = 0;
    server.use(
      http.get(`${CATALOG}/catalog/products/${laptop.slug}`, () => {
        calls += 1;
        return calls === 1 ? HttpResponse.json({ detail: 'down' }, { status: 503 }) : HttpResponse.json(laptop);
      }),
      http.get(`${CATALOG}/reviews/product/${laptop.id}`, () => HttpResponse.json(reviews)),
    );
    renderProduct();
    expect(await screen.findByText('This part of the shop is taking a break')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Laptop 13' })).toBeInTheDocument();
  });

  it('sets the title, canonical URL, Open Graph tags and Product JSON-LD, and restores the shop head on leaving', async () => {
    mockProduct();
    const { unmount } = renderProduct();
    expect(await screen.findByRole('heading', { level: 1, name: 'Laptop 13' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('Laptop 13 | Shop'));
    const canonical = `${window.location.origin}/products/laptop-13`;
    expect(document.head.querySelector('link[rel="canonical"]')).toHaveAttribute('href', canonical);
    expect(document.head.querySelector('meta[property="og:url"]')).toHaveAttribute('content', canonical);
    expect(document.head.querySelector('meta[name="description"]')).toHaveAttribute('content', 'A light laptop.');
    const ld = JSON.parse(document.head.querySelector('script[type="application/ld+json"]')?.textContent ?? '{}') as Record<string, unknown>;
    expect(ld).toMatchObject({
      '@type': 'Product',
      name: 'Laptop 13',
      offers: { '@type': 'AggregateOffer', lowPrice: '899.00', highPrice: '999.00', availability: 'https://schema.org/InStock' },
      aggregateRating: { ratingValue: 4.5, reviewCount: 2 },
    });
    unmount();
    expect(document.title).not.toBe('Laptop 13 | Shop');
    expect(document.head.querySelector('script[type="application/ld+json"]')).toBeNull();
    expect(document.head.querySelector('link[rel="canonical"]')).toBeNull();
  });

  it('moves an old id link to the slug address, keeping the query', async () => {
    mockProduct();
    const { router } = renderProduct(`${laptop.id}`);
    await waitFor(() => expect(router.state.location.pathname).toBe('/products/laptop-13'));
    expect(await screen.findByRole('heading', { level: 1, name: 'Laptop 13' })).toBeInTheDocument();
  });
});
