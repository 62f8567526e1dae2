/**
 * A page's own <head> in the browser: the same tags the servers put into the served HTML
 * (server/seo.js, one definition for both), so a product reached by navigating inside the
 * app says what a freshly loaded one says. Leaving the page restores the shop-wide title and
 * description and removes the product's tags.
 */
import { useEffect } from 'react';

import { productHead, type CatalogProduct, type ProductHead } from '../../server/seo.js';

export { productPath, UUID_PATTERN } from '../../server/seo.js';

// Tags that belong to one page; the servers may already have put them in the document.
const PAGE_TAGS = 'link[rel="canonical"], meta[property^="og:"], meta[property^="product:"], script[type="application/ld+json"]';

function descriptionTag(): HTMLMetaElement {
  let tag = document.head.querySelector<HTMLMetaElement>('meta[name="description"]');
  if (!tag) {
    tag = document.createElement('meta');
    tag.name = 'description';
    document.head.append(tag);
  }
  return tag;
}

/** Puts `head` into the document; returns what undoes it. */
export function applyHead(head: ProductHead): () => void {
  const before = { title: document.title, description: descriptionTag().content };
  document.head.querySelectorAll(PAGE_TAGS).forEach((tag) => tag.remove());
  document.title = head.title;
  descriptionTag().content = head.description;
  const added: Element[] = [];
  const canonical = document.createElement('link');
  canonical.rel = 'canonical';
  canonical.href = head.canonical;
  added.push(canonical);
  for (const meta of head.meta) {
    if (!meta.property) continue; // name="description" is set above
    const tag = document.createElement('meta');
    tag.setAttribute('property', meta.property);
    tag.content = meta.content;
    added.push(tag);
  }
  const jsonLd = document.createElement('script');
  jsonLd.type = 'application/ld+json';
  jsonLd.textContent = JSON.stringify(head.jsonLd);
  added.push(jsonLd);
  document.head.append(...added);
  return () => {
    added.forEach((tag) => tag.remove());
    document.title = before.title;
    descriptionTag().content = before.description;
  };
}

/** The product page's head tags while it is shown (canonical URLs on this origin). */
export function useProductHead(product: CatalogProduct | undefined) {
  useEffect(() => {
    if (!product) return;
    return applyHead(productHead(product, window.location.origin));
  }, [product]);
}
