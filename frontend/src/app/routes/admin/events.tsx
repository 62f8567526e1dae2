import { Button } from '@/components/ui/button';
import { EmptyState, ErrorState, LoadingState } from '@/components/ui/query-states';
import { toast } from '@/components/ui/toast-store';
import { eventSources, useFailedEvents, useRetryEvent, type EventSource } from '@/features/admin/api/admin-events-api';
import { AdminShell } from '@/features/admin/components/admin-shell';

function FailedEvents({ source }: { source: EventSource }) {
  const events = useFailedEvents(source);
  const retry = useRetryEvent(source);
  return (
    <section aria-labelledby={`${source}-heading`} className="space-y-3">
      <h2 id={`${source}-heading`} className="text-lg font-semibold">
        From {source}
      </h2>
      {events.isPending ? (
        <LoadingState label="Loading events…" />
      ) : events.isError ? (
        <ErrorState error={events.error} onRetry={() => void events.refetch()} />
      ) : events.data.items.length === 0 ? (
        <EmptyState title="No failed events">Every event from this service was delivered.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
          <table className="w-full text-sm" aria-label={`Failed events from ${source}`}>
            <thead className="bg-slate-50 text-left text-slate-700">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Event</th>
                <th scope="col" className="px-3 py-2 font-medium">About</th>
                <th scope="col" className="px-3 py-2 text-right font-medium">Attempts</th>
                <th scope="col" className="px-3 py-2 font-medium">Last error</th>
                <th scope="col" className="px-3 py-2 font-medium">Created</th>
                <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {events.data.items.map((event) => (
                <tr key={event.id}>
                  <td className="px-3 py-2 font-mono">{event.event_type}</td>
                  <td className="px-3 py-2 font-mono text-xs">{event.aggregate_id}</td>
                  <td className="px-3 py-2 text-right">{event.attempts}</td>
                  <td className="max-w-xs truncate px-3 py-2" title={event.last_error ?? undefined}>
                    {event.last_error}
                  </td>
                  <td className="px-3 py-2">{new Date(event.created_at).toLocaleString()}</td>
                  <td className="px-3 py-2 text-right">
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
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
