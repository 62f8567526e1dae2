import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { catalogApi, identityApi, parseResponse } from '@/lib/api-client';
import { outboxEntrySchema, outboxPageSchema } from '@/lib/api-schemas/common';

/** Both services that publish events keep an outbox; the admin sees their failures side by side. */
export const eventSources = {
  'identity-commerce': identityApi,
  'catalog-fulfillment': catalogApi,
} as const;
export type EventSource = keyof typeof eventSources;

export const eventKeys = {
  failed: (source: EventSource) => ['admin', 'events', source, 'failed'] as const,
};

export function useFailedEvents(source: EventSource) {
  return useQuery({
    queryKey: eventKeys.failed(source),
    queryFn: async () => {
      const { data } = await eventSources[source].get<unknown>('/admin/outbox', { params: { status: 'failed', limit: 100 } });
      return parseResponse(outboxPageSchema, data);
    },
  });
}

export function useRetryEvent(source: EventSource) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (id: string) => {
      const { data } = await eventSources[source].post<unknown>(`/admin/outbox/${encodeURIComponent(id)}/retry`, {});
      return parseResponse(outboxEntrySchema, data);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: eventKeys.failed(source) }),
  });
}
