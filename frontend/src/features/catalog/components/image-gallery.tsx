import { useState } from 'react';

import { ProductImage } from '@/features/catalog/components/product-image';

export function ImageGallery({ images, productName }: { images: { url: string; alt: string | null }[]; productName: string }) {
  const [selected, setSelected] = useState(0);
  const current = images[selected] ?? images[0];
  return (
    <div className="space-y-3">
      <ProductImage
        src={current?.url}
        alt={current?.alt ?? `${productName}, photo ${selected + 1} of ${Math.max(images.length, 1)}`}
        className="aspect-square w-full rounded-lg bg-white object-cover ring-1 ring-slate-200"
      />
      {images.length > 1 && (
        <ul className="flex gap-2" aria-label="Photos">
          {images.map((image, index) => (
            <li key={image.url + index}>
              <button
                type="button"
                onClick={() => setSelected(index)}
                aria-label={`Show photo ${index + 1}`}
                aria-pressed={index === selected}
                className={`h-16 w-16 overflow-hidden rounded-md ring-2 ${index === selected ? 'ring-brand-600' : 'ring-transparent'}`}
              >
                <ProductImage src={image.url} alt="" className="h-full w-full object-cover" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
