import { useState } from 'react';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/query-states';
import { resolveQuery } from '@/components/ui/resolve-query';
import { toast } from '@/components/ui/toast-store';
import {
  formatAddress,
  useAddresses,
  useCreateAddress,
  useDeleteAddress,
  useUpdateAddress,
} from '@/features/addresses/api/addresses-api';
import { AddressForm } from '@/features/addresses/components/address-form';
import type { Address } from '@/lib/api-schemas/identity-commerce';

export function AddressBook() {
  const addresses = useAddresses();
  const create = useCreateAddress();
  const update = useUpdateAddress();
  const remove = useDeleteAddress();
  const [editing, setEditing] = useState<Address | 'new' | null>(null);

  // The book stays on screen when empty: the "Add an address" button lives in it.
  const loaded = resolveQuery(addresses, { loadingLabel: 'Loading addresses…' });
  if (!loaded.ready) return loaded.view;

  return (
    <div className="space-y-4">
      {loaded.data.length === 0 && editing === null && <EmptyState title="No saved addresses">Add one to check out faster.</EmptyState>}
      <ul className="grid gap-3 sm:grid-cols-2" aria-label="Saved addresses">
        {loaded.data.map((address) =>
          editing !== 'new' && editing?.id === address.id ? (
            <li key={address.id} className="rounded-lg bg-white p-4 ring-1 ring-slate-200 sm:col-span-2">
              <AddressForm
                initial={address}
                isSaving={update.isPending}
                onCancel={() => setEditing(null)}
                onSubmit={(input, { onError }) =>
                  update.mutate(
                    { id: address.id, input },
                    {
                      onSuccess: () => {
                        toast.success('Address updated');
                        setEditing(null);
                      },
                      onError,
                    },
                  )
                }
              />
            </li>
          ) : (
            <li key={address.id} className="space-y-2 rounded-lg bg-white p-4 text-sm ring-1 ring-slate-200">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{address.full_name}</span>
                <Badge tone="info" className="capitalize">
                  {address.kind}
                </Badge>
                {address.is_default && <Badge tone="success">Default</Badge>}
              </div>
              <p className="text-slate-700">{formatAddress(address)}</p>
              {address.phone && <p className="text-slate-600">{address.phone}</p>}
              <div className="flex gap-2">
                <Button variant="secondary" size="sm" onClick={() => setEditing(address)} aria-label={`Edit address of ${address.full_name}, ${address.line1}`}>
                  Edit
                </Button>
                <Button
                  variant="ghost"
                  size="sm"
                  aria-label={`Delete address of ${address.full_name}, ${address.line1}`}
                  onClick={() => {
                    if (!window.confirm('Delete this address?')) return;
                    remove.mutate(address.id, {
                      onSuccess: () => toast.success('Address deleted'),
                      onError: (error) => toast.error(error.message),
                    });
                  }}
                >
                  Delete
                </Button>
              </div>
            </li>
          ),
        )}
      </ul>
      {editing === 'new' ? (
        <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <AddressForm
            isSaving={create.isPending}
            onCancel={() => setEditing(null)}
            onSubmit={(input, { onError }) =>
              create.mutate(input, {
                onSuccess: () => {
                  toast.success('Address added');
                  setEditing(null);
                },
                onError,
              })
            }
          />
        </div>
      ) : (
        <Button variant="secondary" onClick={() => setEditing('new')}>
          Add an address
        </Button>
      )}
    </div>
  );
}
