import { Link, useParams } from 'react-router';

import { ErrorState, LoadingState } from '@/components/ui/query-states';
import { useAdminOrder } from '@/features/admin/api/admin-orders-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { OrderStatusForm } from '@/features/admin/components/order-status-form';
import { orderLabel } from '@/features/orders/api/schemas';
import { OrderDetailView } from '@/features/orders/components/order-detail-view';

export function Component() {
  const { id = '' } = useParams();
  const order = useAdminOrder(id);
  if (order.isPending) return <LoadingState label="Loading order…" />;
  if (order.isError) return <ErrorState error={order.error} onRetry={() => void order.refetch()} />;
  return (
    <AdminShell title={`Order ${orderLabel(order.data)}`}>
      <p className="text-sm text-slate-700">
        <Link to="/admin/orders" className="text-brand-700 hover:underline">
          All orders
        </Link>{' '}
        · Customer: {order.data.customer_name ?? ''} {order.data.customer_email && `<${order.data.customer_email}>`}
      </p>
      <OrderStatusForm key={`${order.data.id}-${order.data.status}`} order={order.data} />
      <OrderDetailView order={order.data} />
    </AdminShell>
  );
}
