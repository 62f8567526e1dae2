import { useState } from 'react';
import { Link, useParams } from 'react-router';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { SelectField } from '@/components/ui/form-field';
import { QueryView } from '@/components/ui/query-view';
import { toast } from '@/components/ui/toast-store';
import { useAdminCustomer, useGrantRole, useSetCustomerActive } from '@/features/admin/api/admin-customers-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { OrderStatusBadge } from '@/features/orders/components/order-status-badge';
import {
  permissionNames,
  roleNames,
  type CustomerDetail,
  type Permission,
  type RoleName,
} from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';
import { orderLabel } from '@/lib/orders';

const orderColumns: Column<CustomerDetail['orders'][number]>[] = [
  {
    header: 'Order',
    cell: (order) => (
      <Link to={`/admin/orders/${order.id}`} className="font-medium text-brand-700 hover:underline">
        {orderLabel(order)}
      </Link>
    ),
  },
  { header: 'Placed', cell: (order) => (order.created_at ? new Date(order.created_at).toLocaleString() : '') },
  { header: 'Status', cell: (order) => <OrderStatusBadge status={order.status} /> },
  { header: 'Total', align: 'right', cell: (order) => formatMoney(order.total, order.currency) },
];

function AccessForm({ customer }: { customer: CustomerDetail }) {
  const setActive = useSetCustomerActive(customer.id);
  const grant = useGrantRole(customer.id);
  const [role, setRole] = useState<RoleName>(customer.role);
  const [permissions, setPermissions] = useState<Permission[]>(customer.permissions as Permission[]);
  const toggle = (permission: Permission) =>
    setPermissions((held) => (held.includes(permission) ? held.filter((p) => p !== permission) : [...held, permission]));

  return (
    <section aria-labelledby="access-heading" className="space-y-4 rounded-lg bg-white p-4 ring-1 ring-slate-200">
      <h2 id="access-heading" className="font-semibold">
        Access
      </h2>
      <div className="flex items-center gap-3">
        <span>{customer.active ? 'This account can sign in.' : 'This account is disabled: it cannot sign in.'}</span>
        <Button
          variant={customer.active ? 'danger' : 'secondary'}
          isLoading={setActive.isPending}
          onClick={() =>
            setActive.mutate(!customer.active, {
              onSuccess: (updated) => toast.success(updated.active ? 'Account enabled' : 'Account disabled; its sessions ended'),
              onError: (error) => toast.error(error.message),
            })
          }
        >
          {customer.active ? 'Disable account' : 'Enable account'}
        </Button>
      </div>
      <form
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          grant.mutate(
            { role, permissions },
            {
              onSuccess: () => toast.success('Role saved; the account signs in again to use it'),
              onError: (error) => toast.error(error.message),
            },
          );
        }}
      >
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as RoleName)} containerClassName="w-48">
          {roleNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </SelectField>
        {role === 'staff' && (
          <fieldset className="flex flex-wrap gap-4">
            <legend className="mb-1 text-sm font-medium">Permissions</legend>
            {permissionNames.map((permission) => (
              <label key={permission} className="flex items-center gap-1 text-sm">
                <input type="checkbox" checked={permissions.includes(permission)} onChange={() => toggle(permission)} />
                {permission}
              </label>
            ))}
          </fieldset>
        )}
        <Button type="submit" isLoading={grant.isPending}>
          Save role
        </Button>
      </form>
    </section>
  );
}

export function Component() {
  const { id = '' } = useParams();
  const customer = useAdminCustomer(id);
  return (
    <QueryView query={customer} loadingLabel="Loading customer…">
      {(data) => (
        <AdminShell title={`${data.first_name} ${data.last_name}`.trim() || data.email}>
          <p className="text-sm text-slate-700">
            <Link to="/admin/customers" className="text-brand-700 hover:underline">
              All customers
            </Link>{' '}
            · {data.email} {data.phone && `· ${data.phone}`} <Badge tone="info">{data.role}</Badge>{' '}
            {!data.active && <Badge tone="danger">disabled</Badge>}
          </p>
          <dl className="grid gap-4 sm:grid-cols-3">
            <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
              <dt className="text-sm text-slate-600">Paid orders</dt>
              <dd className="text-2xl font-semibold">{data.order_count}</dd>
            </div>
            <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
              <dt className="text-sm text-slate-600">Spent (less refunds)</dt>
              <dd className="text-2xl font-semibold">{formatMoney(data.total_spent)}</dd>
            </div>
            <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
              <dt className="text-sm text-slate-600">Last order</dt>
              <dd className="text-2xl font-semibold">{data.last_order_at ? new Date(data.last_order_at).toLocaleDateString() : 'None'}</dd>
            </div>
          </dl>
          <AccessForm key={`${data.id}-${data.role}-${data.active}`} customer={data} />
          <section aria-labelledby="addresses-heading" className="space-y-2">
            <h2 id="addresses-heading" className="text-lg font-semibold">
              Addresses
            </h2>
            {data.addresses.length === 0 ? (
              <p className="text-sm text-slate-600">No saved addresses.</p>
            ) : (
              <ul className="grid gap-3 sm:grid-cols-2">
                {data.addresses.map((a) => (
                  <li key={a.id} className="rounded-lg bg-white p-3 text-sm ring-1 ring-slate-200">
                    <span className="font-medium">{a.full_name}</span> ({a.kind}
                    {a.is_default ? ', default' : ''})
                    <br />
                    {a.line1}
                    {a.line2 ? `, ${a.line2}` : ''}, {a.postal_code} {a.city}, {a.country}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="orders-heading" className="space-y-2">
            <h2 id="orders-heading" className="text-lg font-semibold">
              Orders
            </h2>
            {data.orders.length === 0 ? (
              <p className="text-sm text-slate-600">No orders yet.</p>
            ) : (
              <DataTable label="Customer orders" columns={orderColumns} rows={data.orders} rowKey={(o) => o.id} />
            )}
          </section>
        </AdminShell>
      )}
    </QueryView>
  );
}
