import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { ApiError, catalogApi, parseResponse } from '@/lib/api-client';
import {
  inventorySchema,
  lowStockItemSchema,
  lowStockListSchema,
  outboxLowStockSchema,
  type LowStockItem,
} from '@/lib/api-schemas/catalog-fulfillment';
import { catalogKeys } from '@/lib/query-keys';

export const inventoryKeys = {
  lowStock: ['admin', 'inventory', 'low-stock'] as const,
  sku: (sku: string) => ['admin', 'inventory', 'sku', sku] as const,
};

/**
 * Skus at or below their reorder level. Asks catalog-fulfillment's low-stock list; where that
 * endpoint is not offered, rebuilds the list from the service's LOW_STOCK events (its outbox)
 * and re-reads each sku's current level, dropping the ones restocked since.
 */
export async function fetchLowStock(): Promise<{ items: LowStockItem[]; source: 'inventory' | 'events' }> {
  try {
    const { data } = await catalogApi.get<unknown>('/admin/inventory', { params: { low_stock: true, page_size: 100 } });
    return { items: parseResponse(lowStockListSchema, data), source: 'inventory' };
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 405)) throw error;
  }
  const { data } = await catalogApi.get<unknown>('/admin/outbox', { params: { limit: 200 } });
  const events = parseResponse(outboxLowStockSchema, data).items.filter((e) => e.event_type === 'LOW_STOCK');
  const names = new Map<string, { product_id?: string; product_name?: string }>();
  for (const event of events) {
    const payload = event.payload.data ?? {};
    const sku = typeof payload.sku === 'string' ? payload.sku : null;
    if (sku && !names.has(sku)) {
      names.set(sku, {
        product_id: typeof payload.product_id === 'string' ? payload.product_id : undefined,
        product_name: typeof payload.product_name === 'string' ? payload.product_name : undefined,
      });
    }
  }
  const levels = await Promise.all(
    [...names.keys()].slice(0, 50).map(async (sku) => {
      const { data: level } = await catalogApi.get<unknown>(`/inventory/${encodeURIComponent(sku)}`);
      return { ...parseResponse(inventorySchema, level), ...names.get(sku) };
    }),
  );
  const items = levels
    .map((level) => lowStockItemSchema.parse(level))
    .filter((level) => level.available <= level.reorder_level)
    .sort((a, b) => a.available - b.available);
  return { items, source: 'events' };
}

export function useLowStock() {
  return useQuery({ queryKey: inventoryKeys.lowStock, queryFn: fetchLowStock });
}

export function useStockLevel(sku: string) {
  return useQuery({
    queryKey: inventoryKeys.sku(sku),
    enabled: sku.length > 0,
    retry: false,
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>(`/inventory/${encodeURIComponent(sku)}`);
      return parseResponse(inventorySchema, data);
    },
  });
}

export function useSetStock() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ sku, on_hand, reorder_level }: { sku: string; on_hand: number; reorder_level?: number }) => {
      const { data } = await catalogApi.put<unknown>(`/admin/inventory/${encodeURIComponent(sku)}`, { on_hand, reorder_level });
      return parseResponse(inventorySchema, data);
    },
    onSuccess: (level) => {
      queryClient.setQueryData(inventoryKeys.sku(level.sku), level);
      void queryClient.invalidateQueries({ queryKey: inventoryKeys.lowStock });
      void queryClient.invalidateQueries({ queryKey: catalogKeys.all });
    },
  });
}
