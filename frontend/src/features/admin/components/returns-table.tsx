import { Link } from 'react-router';

import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { toast } from '@/components/ui/toast-store';
import { useReturnStep, type ReturnStep } from '@/features/admin/api/admin-aftersale-api';
import type { Return } from '@/lib/api-schemas/identity-commerce';

const steps: Record<string, ReturnStep[]> = { requested: ['approve', 'reject'], approved: ['receive'] };
const stepLabels: Record<ReturnStep, string> = { approve: 'Approve', reject: 'Reject', receive: 'Received: refund' };

function ReturnActions({ item }: { item: Return }) {
  const step = useReturnStep();
  return (
    <div className="flex justify-end gap-2">
      {(steps[item.status] ?? []).map((name) => (
        <Button
          key={name}
          size="sm"
          variant={name === 'reject' ? 'secondary' : 'primary'}
          isLoading={step.isPending && step.variables?.step === name}
          onClick={() =>
            step.mutate(
              { id: item.id, step: name },
              {
                onSuccess: (updated) => toast.success(`Return ${updated.status}`),
                onError: (error) => toast.error(error.message),
              },
            )
          }
        >
          {stepLabels[name]}
        </Button>
      ))}
    </div>
  );
}

const columns: Column<Return>[] = [
  {
    header: 'Order',
    cell: (item) => (
      <Link to={`/admin/orders/${item.order_id}`} className="font-medium text-brand-700 hover:underline">
        {item.order_number ?? item.order_id}
      </Link>
    ),
  },
  { header: 'Requested', cell: (item) => (item.created_at ? new Date(item.created_at).toLocaleString() : '') },
  { header: 'Items', cell: (item) => item.lines.map((line) => `${line.quantity} × ${line.name}`).join(', ') },
  { header: 'Reason', cell: (item) => item.reason },
  { header: 'Status', cell: (item) => item.status },
  { header: '', align: 'right', cell: (item) => <ReturnActions item={item} /> },
];

/** Returns with the step each one waits for: approve or reject a request, receive an approved parcel. */
export function ReturnsTable({ returns }: { returns: Return[] }) {
  return <DataTable label="Returns" columns={columns} rows={returns} rowKey={(item) => item.id} rowTestId="admin-return-row" />;
}
