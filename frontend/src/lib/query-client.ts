import { QueryClient } from '@tanstack/react-query';

import { ApiError } from '@/lib/api-client';

export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Retry only what may heal by itself (network, 5xx); a 404 or 403 will not.
        retry: (failureCount, error) =>
          failureCount < 2 && (!(error instanceof ApiError) || error.isUnavailable),
      },
      mutations: { retry: false },
    },
  });
}
