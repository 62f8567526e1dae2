import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';

import { catalogApi, identityApi, parseResponse } from '@/lib/api-client';

export const outboxEntrySchema = z.object({
  id: z.string(),
  event_type: z.string(),
  aggregate_id: z.string().nullish(),
  status: z.string(),
  attempts: z.number().int(),
  next_attempt_at: z.string().nullish(),
  last_error: z.string().nullish(),
  created_at: z.string(),
  sent_at: z.string().nullish(),
  payload: z.record(z.string(), z.unknown()).optional(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

const outboxPageSchema = z.object({ items: z.array(outboxEntrySchema), total: z.number().int() });

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
