import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { catalogApi, parseResponse } from '@/lib/api-client';
import { storeListSchema } from '@/lib/api-schemas/catalog-fulfillment';

export const storeKeys = {
  all: ['stores'] as const,
  nearby: (lat: number, lng: number, radiusKm: number) => ['stores', 'nearby', lat, lng, radiusKm] as const,
};

export function useStores() {
  return useQuery({
    queryKey: storeKeys.all,
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>('/stores', { params: { page_size: 100 } });
      return parseResponse(storeListSchema, data);
    },
    staleTime: 10 * 60_000,
  });
}

export interface Origin {
  lat: number;
  lng: number;
  label: string;
}

export function useNearbyStores(origin: Origin | null, radiusKm: number) {
  return useQuery({
    queryKey: storeKeys.nearby(origin?.lat ?? 0, origin?.lng ?? 0, radiusKm),
    enabled: origin !== null,
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const { data } = await catalogApi.get<unknown>('/stores/nearby', {
        params: { lat: origin?.lat, lng: origin?.lng, radius_km: radiusKm, limit: 50 },
      });
      return parseResponse(storeListSchema, data);
    },
  });
}
