import { useNavigate, useParams } from 'react-router';

import { ErrorState, LoadingState } from '@/components/ui/query-states';
import { toast } from '@/components/ui/toast-store';
import { useAdminProduct, useSaveProduct } from '@/features/admin/api/admin-products-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { ProductForm } from '@/features/admin/components/product-form';

export function Component() {
  const { id } = useParams();
  const product = useAdminProduct(id);
  const save = useSaveProduct();
  const navigate = useNavigate();

  if (id && product.isPending) return <LoadingState label="Loading product…" />;
  if (id && product.isError) return <ErrorState error={product.error} onRetry={() => void product.refetch()} />;

  return (
    <AdminShell title={id ? `Edit ${product.data?.name ?? 'product'}` : 'New product'}>
      <ProductForm
        key={product.data?.id ?? 'new'}
        product={product.data}
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
