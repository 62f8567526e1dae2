import { useNavigate, useParams } from 'react-router';

import { resolveQuery } from '@/components/ui/resolve-query';
import { toast } from '@/components/ui/toast-store';
import { useAdminProduct, useSaveProduct } from '@/features/admin/api/admin-products-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { ProductForm } from '@/features/admin/components/product-form';
import { flattenCategories, useCategories } from '@/features/catalog/api/catalog-api';

export function Component() {
  const { id } = useParams();
  const product = useAdminProduct(id);
  const save = useSaveProduct();
  const categories = useCategories();
  const navigate = useNavigate();

  // A new product has nothing to load; an existing one shows the form once it is here.
  const loaded = id ? resolveQuery(product, { loadingLabel: 'Loading product…' }) : null;
  if (loaded && !loaded.ready) return loaded.view;

  return (
    <AdminShell title={id ? `Edit ${product.data?.name ?? 'product'}` : 'New product'}>
      <ProductForm
        key={product.data?.id ?? 'new'}
        product={product.data}
        categories={categories.data ? flattenCategories(categories.data) : []}
        isSaving={save.isPending}
        onSave={(input, { onError }) =>
          save.mutate(
            { id, input },
            {
              onSuccess: (saved) => {
                toast.success(id ? 'Product saved' : `${saved.name} created`);
                void navigate(`/admin/products/${saved.id}`);
              },
              onError,
            },
          )
        }
      />
    </AdminShell>
  );
}
