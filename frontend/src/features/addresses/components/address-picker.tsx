import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { toast } from '@/components/ui/toast-store';
import {
  formatAddress,
  useCreateAddress,
} from '@/features/addresses/api/addresses-api';
import { AddressForm } from '@/features/addresses/components/address-form';
import type { Address, AddressKind } from '@/lib/api-schemas/identity-commerce';

/** Radio list of the shopper's addresses, with an inline form to add one without leaving checkout. */
export function AddressPicker({
  legend,
  kind,
  addresses,
  selectedId,
  onSelect,
}: {
  legend: string;
  kind: AddressKind;
  addresses: Address[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const [adding, setAdding] = useState(addresses.length === 0);
  const create = useCreateAddress();

  return (
    <fieldset className="space-y-3">
      <legend className="text-lg font-medium">{legend}</legend>
      {addresses.length > 0 && (
        <div className="space-y-2">
          {addresses.map((address) => (
            <label
              key={address.id}
              className="flex cursor-pointer items-start gap-3 rounded-md bg-white p-3 ring-1 ring-slate-200 has-[:checked]:ring-2 has-[:checked]:ring-brand-600"
            >
              <input
                type="radio"
                name={`${kind}-address`}
                value={address.id}
                checked={selectedId === address.id}
                onChange={() => onSelect(address.id)}
                className="mt-1 h-4 w-4"
              />
              <span className="text-sm">
                <span className="font-medium">{address.full_name}</span>
                {address.kind !== kind && <span className="text-slate-600"> ({address.kind} address)</span>}
                <br />
                {formatAddress(address)}
              </span>
            </label>
          ))}
        </div>
      )}
      {adding ? (
        <div className="rounded-md bg-white p-4 ring-1 ring-slate-200">
          <AddressForm
            kind={kind}
            submitLabel="Use this address"
            isSaving={create.isPending}
            onCancel={addresses.length ? () => setAdding(false) : undefined}
            onSubmit={(input, { onError }) =>
              create.mutate(input, {
                onSuccess: (address) => {
                  toast.success('Address saved');
                  setAdding(false);
                  onSelect(address.id);
                },
                onError,
              })
            }
          />
        </div>
      ) : (
        <Button variant="ghost" size="sm" onClick={() => setAdding(true)}>
          + Add a new address
        </Button>
      )}
    </fieldset>
  );
}
