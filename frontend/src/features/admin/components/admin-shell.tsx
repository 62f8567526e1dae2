import clsx from 'clsx';
import type { ReactNode } from 'react';
import { NavLink } from 'react-router';

import { PageTitle } from '@/components/ui/page-title';

const links = [
  { to: '/admin', label: 'Dashboard', end: true },
  { to: '/admin/products', label: 'Products' },
  { to: '/admin/inventory', label: 'Inventory' },
  { to: '/admin/orders', label: 'Orders' },
  { to: '/admin/returns', label: 'Returns' },
  { to: '/admin/customers', label: 'Customers' },
  { to: '/admin/promotions', label: 'Promotions' },
  { to: '/admin/shipping-methods', label: 'Shipping' },
  { to: '/admin/events', label: 'Failed events' },
];

export function AdminShell({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <div className="space-y-6">
      <nav aria-label="Admin" className="-mx-1 flex flex-wrap gap-1 border-b border-slate-200 pb-2">
        {links.map((link) => (
          <NavLink
            key={link.to}
            to={link.to}
            end={link.end}
            className={({ isActive }) =>
              clsx('rounded-md px-3 py-1.5 text-sm font-medium', isActive ? 'bg-brand-600 text-white' : 'text-slate-700 hover:bg-slate-100')
            }
          >
            {link.label}
          </NavLink>
        ))}
      </nav>
      <PageTitle title={`Admin: ${title}`} actions={actions}>
        {title}
      </PageTitle>
      {children}
    </div>
  );
}
