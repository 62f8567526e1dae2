import { useState, type FormEvent } from 'react';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { FormError, SelectField, TextField } from '@/components/ui/form-field';
import { QueryView } from '@/components/ui/query-view';
import { toast } from '@/components/ui/toast-store';
import {
  useCreateShippingMethod,
  useCreateZone,
  useDeactivateShippingMethod,
  useShippingSetup,
} from '@/features/admin/api/admin-pricing-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import type { ShippingMethod, ShippingSetup } from '@/lib/api-schemas/identity-commerce';

function ZoneForm() {
  const [name, setName] = useState('');
  const [countries, setCountries] = useState('');
  const create = useCreateZone();
  function submit(event: FormEvent) {
    event.preventDefault();
    const list = countries
      .split(/[\s,]+/)
      .map((c) => c.trim().toUpperCase())
      .filter(Boolean);
    create.mutate({ name, countries: list }, { onSuccess: (zone) => (toast.success(`Zone ${zone.name} added`), setName(''), setCountries('')) });
  }
  return (
    <form onSubmit={submit} aria-label="New zone" className="grid gap-3 sm:grid-cols-3">
      <TextField label="Zone name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
      <TextField label="Countries" hint="e.g. DE, FR; empty: the rest of the world" value={countries} onChange={(e) => setCountries(e.target.value)} />
      <div className="flex items-end">
        <Button type="submit" variant="secondary" isLoading={create.isPending}>
          Add zone
        </Button>
      </div>
      <FormError message={create.isError ? create.error.message : null} />
    </form>
  );
}

function MethodForm({ setup }: { setup: ShippingSetup }) {
  const [form, setForm] = useState({ zone_id: '', name: '', price: '', free_over: '', delivery_estimate: '' });
  const create = useCreateShippingMethod();
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const zoneId = form.zone_id || setup.zones[0]?.id || '';
  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { ...form, zone_id: zoneId, free_over: form.free_over || null, delivery_estimate: form.delivery_estimate || null, active: true },
      { onSuccess: (method) => (toast.success(`${method.name} added`), setForm({ zone_id: zoneId, name: '', price: '', free_over: '', delivery_estimate: '' })) },
    );
  }
  if (setup.zones.length === 0) return <p className="text-sm text-slate-600">Add a zone first.</p>;
  return (
    <form onSubmit={submit} aria-label="New shipping method" className="grid gap-3 sm:grid-cols-3">
      <SelectField label="Zone" value={zoneId} onChange={set('zone_id')}>
        {setup.zones.map((zone) => (
          <option key={zone.id} value={zone.id}>
            {zone.name}
          </option>
        ))}
      </SelectField>
      <TextField label="Method name" value={form.name} onChange={set('name')} required maxLength={100} />
      <TextField label="Price" value={form.price} onChange={set('price')} required inputMode="decimal" />
      <TextField label="Free over" value={form.free_over} onChange={set('free_over')} inputMode="decimal" />
      <TextField label="Delivery estimate" value={form.delivery_estimate} onChange={set('delivery_estimate')} maxLength={100} />
      <div className="flex items-end">
        <Button type="submit" isLoading={create.isPending}>
          Add method
        </Button>
      </div>
      <FormError message={create.isError ? create.error.message : null} />
    </form>
  );
}

export function Component() {
  const setup = useShippingSetup();
  const deactivate = useDeactivateShippingMethod();
  return (
    <AdminShell title="Shipping methods">
      <QueryView query={setup} loadingLabel="Loading shipping methods…">
        {(data) => {
          const zoneName = (id: string) => data.zones.find((z) => z.id === id)?.name ?? '—';
          const columns: Column<ShippingMethod>[] = [
            { header: 'Method', cell: (m) => m.name },
            { header: 'Zone', cell: (m) => zoneName(m.zone_id) },
            { header: 'Price', align: 'right', cell: (m) => m.price },
            { header: 'Free over', align: 'right', cell: (m) => m.free_over ?? '—' },
            { header: 'Delivery', cell: (m) => m.delivery_estimate ?? '—' },
            { header: 'Status', cell: (m) => <Badge tone={m.active ? 'success' : 'neutral'}>{m.active ? 'active' : 'inactive'}</Badge> },
            {
              header: 'Actions',
              hideHeader: true,
              align: 'right',
              cell: (m) =>
                m.active && (
                  <Button size="sm" variant="secondary" aria-label={`Deactivate ${m.name}`} onClick={() => deactivate.mutate(m.id)}>
                    Deactivate
                  </Button>
                ),
            },
          ];
          return (
            <div className="space-y-6">
              {data.fallback_in_use && (
                <p role="status" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
                  No method is active: checkout charges the flat rate from the settings as “Standard”.
                </p>
              )}
              <section className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <h2 className="font-semibold">Zones</h2>
                <ul className="text-sm">
                  {data.zones.map((zone) => (
                    <li key={zone.id}>
                      {zone.name}: {zone.countries.length ? zone.countries.join(', ') : 'rest of the world'}
                    </li>
                  ))}
                </ul>
                <ZoneForm />
              </section>
              <section className="space-y-3 rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <h2 className="font-semibold">Methods</h2>
                <DataTable label="Shipping methods" columns={columns} rows={data.methods} rowKey={(m) => m.id} />
                <MethodForm setup={data} />
              </section>
            </div>
          );
        }}
      </QueryView>
    </AdminShell>
  );
}
