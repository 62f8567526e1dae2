import { describe, expect, it } from 'vitest';

import { injectHead, productHead, robotsTxt, sitemapXml, type CatalogProduct } from './seo.js';

const SHOP = 'https://shop.example.com/';

function product(overrides: Partial<CatalogProduct> = {}): CatalogProduct {
  return {
    name: 'Organic Cotton T-Shirt',
    slug: 'organic-cotton-t-shirt',
    brand: 'Northwind',
    description: 'Heavyweight 220 gsm organic cotton,\n relaxed fit.',
    price: '24.00',
    currency: 'EUR',
    rating_avg: 4.333,
    rating_count: 3,
    category: { name: 'Apparel' },
    images: [{ url: 'https://cdn.example.com/shirt.svg' }],
    variants: [
      { sku: 'TS-M', price: '24.00', stock_level: 'out_of_stock' },
      { sku: 'TS-L', price: '26.50', stock_level: 'low_stock' },
    ],
    ...overrides,
  };
}

const jsonLdOf = (html: string) =>
  JSON.parse(/<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)![1]) as Record<string, unknown>;

describe('productHead', () => {
  it('names the product, its canonical slug URL and its Open Graph tags', () => {
    const head = productHead(product(), SHOP);
    expect(head.title).toBe('Organic Cotton T-Shirt | Shop');
    expect(head.canonical).toBe('https://shop.example.com/products/organic-cotton-t-shirt');
    expect(head.description).toBe('Heavyweight 220 gsm organic cotton, relaxed fit.');
    expect(head.meta).toContainEqual({ property: 'og:url', content: head.canonical });
    expect(head.meta).toContainEqual({ property: 'og:type', content: 'product' });
    expect(head.meta).toContainEqual({ property: 'og:image', content: 'https://cdn.example.com/shirt.svg' });
  });

  it('states prices, availability and rating as schema.org Product', () => {
    const ld = productHead(product(), SHOP).jsonLd;
    expect(ld['@type']).toBe('Product');
    expect(ld.brand).toEqual({ '@type': 'Brand', name: 'Northwind' });
    expect(ld.offers).toEqual({
      '@type': 'AggregateOffer',
      lowPrice: '24.00',
      highPrice: '26.50',
      offerCount: 2,
      priceCurrency: 'EUR',
      availability: 'https://schema.org/LimitedAvailability',
      url: 'https://shop.example.com/products/organic-cotton-t-shirt',
    });
    expect(ld.aggregateRating).toMatchObject({ '@type': 'AggregateRating', ratingValue: 4.3, reviewCount: 3 });
  });

  it('gives one Offer for a single price and no rating before the first review', () => {
    const ld = productHead(
      product({ rating_avg: 0, rating_count: 0, variants: [{ sku: 'A', price: '9.99', stock_level: 'out_of_stock' }] }),
      SHOP,
    ).jsonLd;
    expect(ld.offers).toMatchObject({ '@type': 'Offer', price: '9.99', availability: 'https://schema.org/OutOfStock' });
    expect(ld).not.toHaveProperty('aggregateRating');
  });
});

describe('injectHead', () => {
  const index = '<html><head>\n<meta name="description" content="Shop" />\n<title>Shop</title>\n</head><body></body></html>';

  it('replaces the shop-wide title and description with the product ones', () => {
    const html = injectHead(index, productHead(product(), SHOP));
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html).toContain('<title>Organic Cotton T-Shirt | Shop</title>');
    expect(html.match(/name="description"/g)).toHaveLength(1);
    expect(html).toContain('<link rel="canonical" href="https://shop.example.com/products/organic-cotton-t-shirt" />');
    expect(jsonLdOf(html).name).toBe('Organic Cotton T-Shirt');
  });

  it('keeps hostile product text inside its element', () => {
    const name = '</script><script>alert(1)</script> "quoted" <b>';
    const html = injectHead(index, productHead(product({ name, description: '</title><img src=x>' }), SHOP));
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;');
    expect(jsonLdOf(html).name).toBe(name); // the JSON-LD still says exactly the name
  });
});

describe('sitemap and robots', () => {
  it('lists the home page, every category and every product given, with lastmod', () => {
    const xml = sitemapXml(
      { categories: [{ slug: 'apparel' }], products: [{ slug: 'a-b', updated_at: '2026-12-01T10:00:00Z' }] },
      SHOP,
    );
    expect(xml).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(xml).toContain('<url><loc>https://shop.example.com/</loc></url>');
    expect(xml).toContain('<loc>https://shop.example.com/categories/apparel</loc>');
    expect(xml).toContain('<url><loc>https://shop.example.com/products/a-b</loc><lastmod>2026-12-01T10:00:00Z</lastmod></url>');
  });

  it('robots.txt points at the sitemap and keeps crawlers out of private pages', () => {
    const robots = robotsTxt(SHOP);
    expect(robots).toContain('Sitemap: https://shop.example.com/sitemap.xml');
    expect(robots).toContain('Disallow: /admin');
  });
});
