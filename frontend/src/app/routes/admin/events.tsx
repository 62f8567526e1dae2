import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/query-states';
import { QueryView } from '@/components/ui/query-view';
import { toast } from '@/components/ui/toast-store';
import { eventSources, useFailedEvents, useRetryEvent, type EventSource } from '@/features/admin/api/admin-events-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import type { OutboxEntry } from '@/lib/api-schemas/common';

function FailedEvents({ source }: { source: EventSource }) {
  const events = useFailedEvents(source);
  const retry = useRetryEvent(source);
  const columns: Column<OutboxEntry>[] = [
    { header: 'Event', className: 'font-mono', cell: (event) => event.event_type },
    { header: 'About', className: 'font-mono text-xs', cell: (event) => event.aggregate_id },
    { header: 'Attempts', align: 'right', cell: (event) => event.attempts },
    { header: 'Last error', className: 'max-w-xs truncate', title: (event) => event.last_error ?? undefined, cell: (event) => event.last_error },
    { header: 'Created', cell: (event) => new Date(event.created_at).toLocaleString() },
    {
      header: 'Actions',
      hideHeader: true,
      align: 'right',
      cell: (event) => (
        <Button
          size="sm"
          variant="secondary"
          isLoading={retry.isPending && retry.variables === event.id}
          aria-label={`Retry ${event.event_type} ${event.aggregate_id ?? ''}`}
          onClick={() =>
            retry.mutate(event.id, {
              onSuccess: () => toast.success(`${event.event_type} queued for delivery again`),
              onError: (error) => toast.error(error.message),
            })
          }
        >
          Retry
        </Button>
      ),
    },
  ];
  return (
    <section aria-labelledby={`${source}-heading`} className="space-y-3">
      <h2 id={`${source}-heading`} className="text-lg font-semibold">
        From {source}
      </h2>
      <QueryView
        query={events}
        loadingLabel="Loading events…"
        isEmpty={(page) => page.items.length === 0}
        empty={<EmptyState title="No failed events">Every event from this service was delivered.</EmptyState>}
      >
        {(page) => <DataTable label={`Failed events from ${source}`} columns={columns} rows={page.items} rowKey={(event) => event.id} />}
      </QueryView>
    </section>
  );
}

export function Component() {
  return (
    <AdminShell title="Failed events">
      <p className="text-sm text-slate-700">
        Events the services could not deliver to notifications after every retry. Retrying queues them again.
      </p>
      {(Object.keys(eventSources) as EventSource[]).map((source) => (
        <FailedEvents key={source} source={source} />
      ))}
    </AdminShell>
  );
}
