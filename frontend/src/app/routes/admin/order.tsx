import { Link, useParams } from 'react-router';

import { QueryView } from '@/components/ui/query-view';
import { useAdminOrder } from '@/features/admin/api/admin-orders-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { OrderStatusForm } from '@/features/admin/components/order-status-form';
import { RefundForm } from '@/features/admin/components/refund-form';
import { OrderDetailView } from '@/features/orders/components/order-detail-view';
import { orderLabel } from '@/lib/orders';

export function Component() {
  const { id = '' } = useParams();
  const order = useAdminOrder(id);
  return (
    <QueryView query={order} loadingLabel="Loading order…">
      {(data) => (
        <AdminShell title={`Order ${orderLabel(data)}`}>
          <p className="text-sm text-slate-700">
            <Link to="/admin/orders" className="text-brand-700 hover:underline">
              All orders
            </Link>{' '}
            · Customer: {data.customer_name ?? ''} {data.customer_email && `<${data.customer_email}>`}
          </p>
          <OrderStatusForm key={`${data.id}-${data.status}`} order={data} />
          <RefundForm order={data} />
          <OrderDetailView order={data} />
        </AdminShell>
      )}
    </QueryView>
  );
}
