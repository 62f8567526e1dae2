import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { FormError, SelectField, TextAreaField, TextField } from '@/components/ui/form-field';
import type { ProductInput } from '@/features/admin/api/admin-products-api';
import { checkProductForm, emptyVariant, rowKey, toFormValues, type ProductFormValues, type VariantRow } from '@/features/admin/lib/product-form';
import type { Category, ProductDetail } from '@/lib/api-schemas/catalog-fulfillment';
import { useFormErrors } from '@/lib/form';

/** `categories` is the flattened category tree (empty while it loads): the page brings it from the catalog. */
export function ProductForm({
  product,
  categories,
  isSaving,
  onSave,
}: {
  product?: ProductDetail;
  categories: Category[];
  isSaving: boolean;
  onSave: (input: ProductInput, handlers: { onError: (error: unknown) => void }) => void;
}) {
  const [values, setValues] = useState<ProductFormValues>(() => toFormValues(product));
  const errors = useFormErrors();
  const fe = errors.fieldErrors;

  const setField = (field: keyof ProductFormValues) => (event: { target: { value: string } }) =>
    setValues((current) => ({ ...current, [field]: event.target.value }));

  function setVariant(index: number, patch: Partial<VariantRow>) {
    setValues((current) => ({
      ...current,
      variants: current.variants.map((row, i) => (i === index ? { ...row, ...patch } : row)),
    }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    errors.reset();
    const checked = checkProductForm(values);
    if (!checked.ok) {
      errors.setFieldErrors(checked.errors);
      errors.setFormError('Please correct the highlighted fields.');
      return;
    }
    onSave(checked.input, {
      onError: (error) => errors.fromServer(error, {}),
    });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-8" aria-label={product ? 'Edit product' : 'New product'}>
      <FormError message={errors.formError} />
      <section className="grid gap-4 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-2">
        <TextField label="Name" value={values.name} onChange={setField('name')} error={fe.name} />
        <TextField label="Slug (optional)" value={values.slug} onChange={setField('slug')} error={fe.slug} hint="Made from the name when empty" />
        <TextField label="Brand (optional)" value={values.brand} onChange={setField('brand')} error={fe.brand} />
        <SelectField label="Category" value={values.category_id} onChange={setField('category_id')} error={fe.category_id}>
          <option value="">Choose…</option>
          {categories.map((category) => (
            <option key={category.id} value={category.id}>
              {category.parent_id ? '— ' : ''}
              {category.name}
            </option>
          ))}
        </SelectField>
        <TextField label="Currency" value={values.currency} onChange={setField('currency')} error={fe.currency} hint="ISO code of every variant's price" />
        <TextAreaField label="Description" rows={4} value={values.description} onChange={setField('description')} error={fe.description} containerClassName="sm:col-span-2" />
      </section>

      <section aria-labelledby="images-heading" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="images-heading" className="font-semibold">
          Images
        </h2>
        {values.images.map((image, index) => (
          <div key={image.key} className="flex flex-wrap items-end gap-3">
            <TextField
              label={`Image ${index + 1} URL`}
              value={image.url}
              onChange={(e) => setValues((v) => ({ ...v, images: v.images.map((img, i) => (i === index ? { ...img, url: e.target.value } : img)) }))}
              error={fe[`images.${index}.url`]}
              containerClassName="min-w-64 flex-1"
            />
            <TextField
              label={`Image ${index + 1} description`}
              value={image.alt}
              onChange={(e) => setValues((v) => ({ ...v, images: v.images.map((img, i) => (i === index ? { ...img, alt: e.target.value } : img)) }))}
              containerClassName="min-w-48 flex-1"
            />
            <Button variant="ghost" size="sm" onClick={() => setValues((v) => ({ ...v, images: v.images.filter((_, i) => i !== index) }))}>
              Remove image {index + 1}
            </Button>
          </div>
        ))}
        <Button variant="secondary" size="sm" onClick={() => setValues((v) => ({ ...v, images: [...v.images, { key: rowKey(), url: '', alt: '' }] }))}>
          Add an image
        </Button>
      </section>

      <section aria-labelledby="variants-heading" className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
        <h2 id="variants-heading" className="font-semibold">
          Variants and stock
        </h2>
        {fe.variants && <p className="text-sm text-red-700">{fe.variants}</p>}
        {product && (
          <p className="text-sm text-slate-600">
            The list replaces the current one: a sku left out stops being sold (past orders keep it). Stock of existing skus is set on the{' '}
            <Link to="/admin/inventory" className="text-brand-700 underline">
              inventory page
            </Link>
            .
          </p>
        )}
        {values.variants.map((row, index) => (
          <fieldset key={row.key} className="grid gap-3 border-t border-slate-100 pt-3 sm:grid-cols-6">
            <legend className="sr-only">Variant {index + 1}</legend>
            <TextField label="SKU" value={row.sku} onChange={(e) => setVariant(index, { sku: e.target.value })} error={fe[`variants.${index}.sku`]} disabled={row.existing} />
            <TextField label="Variant name" value={row.name} onChange={(e) => setVariant(index, { name: e.target.value })} error={fe[`variants.${index}.name`]} />
            <TextField
              label="Attributes"
              value={row.attributes}
              onChange={(e) => setVariant(index, { attributes: e.target.value })}
              error={fe[`variants.${index}.attributes`]}
              placeholder="colour=Black, size=M"
              containerClassName="sm:col-span-2"
            />
            <TextField label="Price" inputMode="decimal" value={row.price} onChange={(e) => setVariant(index, { price: e.target.value })} error={fe[`variants.${index}.price`]} />
            {row.existing ? (
              <div className="text-sm">
                <span className="block font-medium">Available</span>
                <span className="block py-2">{row.available ?? '—'}</span>
              </div>
            ) : (
              <TextField label="Initial stock" inputMode="numeric" value={row.on_hand} onChange={(e) => setVariant(index, { on_hand: e.target.value })} error={fe[`variants.${index}.on_hand`]} />
            )}
            <div className="sm:col-span-6">
              <Button variant="ghost" size="sm" onClick={() => setValues((v) => ({ ...v, variants: v.variants.filter((_, i) => i !== index) }))}>
                Remove variant {row.sku || index + 1}
              </Button>
            </div>
          </fieldset>
        ))}
        <Button variant="secondary" size="sm" onClick={() => setValues((v) => ({ ...v, variants: [...v.variants, emptyVariant()] }))}>
          Add a variant
        </Button>
      </section>

      <div className="flex gap-3">
        <Button type="submit" isLoading={isSaving}>
          {product ? 'Save changes' : 'Create product'}
        </Button>
        <Link to="/admin/products" className="rounded-md px-4 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50">
          Cancel
        </Link>
      </div>
    </form>
  );
}
