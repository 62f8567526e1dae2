import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';

import { catalogApi, parseResponse } from '@/lib/api-client';

/** Coordinates may be called lat/lng or latitude/longitude and may arrive as decimal strings. */
const coordinate = z.union([z.number(), z.string()]).transform(Number);

export const storeSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    address: z.string().nullish(),
    line1: z.string().nullish(),
    city: z.string().nullish().transform((v) => v ?? ''),
    country: z.string().nullish(),
    postal_code: z.string().nullish(),
    phone: z.string().nullish(),
    opening_hours: z.unknown().optional(),
    lat: coordinate.optional(),
    lng: coordinate.optional(),
    latitude: coordinate.optional(),
    longitude: coordinate.optional(),
    distance_km: z.union([z.number(), z.string()]).transform(Number).nullish(),
  })
  .transform(({ latitude, longitude, lat, lng, ...store }) => ({
    ...store,
    lat: lat ?? latitude ?? Number.NaN,
    lng: lng ?? longitude ?? Number.NaN,
  }))
  .refine((store) => Number.isFinite(store.lat) && Number.isFinite(store.lng), 'store without coordinates');
export type Store = z.infer<typeof storeSchema>;

const storeListSchema = z.union([z.array(storeSchema), z.object({ items: z.array(storeSchema) }).transform((page) => page.items)]);

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
