import { useState, type FormEvent } from 'react';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { FormError, SelectField, TextField } from '@/components/ui/form-field';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { toast } from '@/components/ui/toast-store';
import { useCreatePromotion, useDeactivatePromotion, usePromotions, type PromotionInput } from '@/features/admin/api/admin-pricing-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import type { Promotion } from '@/lib/api-schemas/identity-commerce';

const emptyForm = { code: '', kind: 'percent' as 'percent' | 'fixed', value: '', min_subtotal: '', ends_at: '', usage_limit: '', per_customer_limit: '' };

function PromotionForm() {
  const [form, setForm] = useState(emptyForm);
  const create = useCreatePromotion();
  const set = (field: keyof typeof emptyForm) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });

  function submit(event: FormEvent) {
    event.preventDefault();
    const input: PromotionInput = {
      code: form.code,
      kind: form.kind,
      value: form.value,
      min_subtotal: form.min_subtotal || null,
      ends_at: form.ends_at ? new Date(form.ends_at).toISOString() : null,
      usage_limit: form.usage_limit ? Number(form.usage_limit) : null,
      per_customer_limit: form.per_customer_limit ? Number(form.per_customer_limit) : null,
      active: true,
    };
    create.mutate(input, {
      onSuccess: (created) => {
        toast.success(`Code ${created.code} created`);
        setForm(emptyForm);
      },
    });
  }

  return (
    <form onSubmit={submit} aria-label="New promo code" className="grid gap-3 rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-4">
      <TextField label="Code" value={form.code} onChange={set('code')} required maxLength={64} />
      <SelectField label="Kind" value={form.kind} onChange={set('kind')}>
        <option value="percent">Percent off</option>
        <option value="fixed">Amount off</option>
      </SelectField>
      <TextField label="Value" value={form.value} onChange={set('value')} required inputMode="decimal" />
      <TextField label="Minimum subtotal" value={form.min_subtotal} onChange={set('min_subtotal')} inputMode="decimal" />
      <TextField label="Ends at" type="datetime-local" value={form.ends_at} onChange={set('ends_at')} />
      <TextField label="Usage limit" value={form.usage_limit} onChange={set('usage_limit')} inputMode="numeric" />
      <TextField label="Per customer" value={form.per_customer_limit} onChange={set('per_customer_limit')} inputMode="numeric" />
      <div className="flex items-end">
        <Button type="submit" isLoading={create.isPending}>
          Create code
        </Button>
      </div>
      <div className="sm:col-span-4">
        <FormError message={create.isError ? create.error.message : null} />
      </div>
    </form>
  );
}

export function Component() {
  const promotions = usePromotions();
  const deactivate = useDeactivatePromotion();
  const columns: Column<Promotion>[] = [
    { header: 'Code', className: 'font-mono', cell: (p) => p.code },
    { header: 'Discount', cell: (p) => (p.kind === 'percent' ? `${Number(p.value)}%` : p.value) },
    { header: 'Minimum', cell: (p) => p.min_subtotal ?? '—' },
    { header: 'Used', align: 'right', cell: (p) => `${p.times_used}${p.usage_limit ? ` / ${p.usage_limit}` : ''}` },
    { header: 'Reserved', align: 'right', cell: (p) => p.reserved },
    { header: 'Ends', cell: (p) => (p.ends_at ? new Date(p.ends_at).toLocaleString() : '—') },
    { header: 'Status', cell: (p) => <Badge tone={p.active ? 'success' : 'neutral'}>{p.active ? 'active' : 'inactive'}</Badge> },
    {
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (p) =>
        p.active && (
          <Button size="sm" variant="secondary" aria-label={`Deactivate ${p.code}`} onClick={() => deactivate.mutate(p.id)}>
            Deactivate
          </Button>
        ),
    },
  ];
  return (
    <AdminShell title="Promotions">
      <PromotionForm />
      <QueryView
        query={promotions}
        loadingLabel="Loading promotions…"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="No promo codes yet">Create one above.</EmptyState>}
      >
        {(rows) => <DataTable label="Promo codes" columns={columns} rows={rows} rowKey={(p) => p.id} />}
      </QueryView>
    </AdminShell>
  );
}
