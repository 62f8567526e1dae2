import { keepPreviousData, useQuery } from '@tanstack/react-query';

import { identityApi, parseResponse } from '@/lib/api-client';
import { salesReportSchema, topProductsSchema } from '@/lib/api-schemas/identity-commerce';

export type Interval = 'day' | 'week' | 'month';

export interface ReportRange {
  from: string; // YYYY-MM-DD, shop time zone, included
  to: string; // YYYY-MM-DD, included
}

export const adminReportKeys = {
  sales: (range: ReportRange, interval: Interval) => ['admin', 'reports', 'sales', range.from, range.to, interval] as const,
  topProducts: (range: ReportRange) => ['admin', 'reports', 'top-products', range.from, range.to] as const,
};

/** Orders, gross, discounts, refunds, net and average order value per bucket, computed by the service. */
export function useSalesReport(range: ReportRange, interval: Interval) {
  return useQuery({
    queryKey: adminReportKeys.sales(range, interval),
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/admin/reports/sales', {
        params: { from: range.from, to: range.to, interval },
      });
      return parseResponse(salesReportSchema, data);
    },
  });
}

export function useTopProducts(range: ReportRange, limit = 5) {
  return useQuery({
    queryKey: adminReportKeys.topProducts(range),
    placeholderData: keepPreviousData,
    queryFn: async () => {
      const { data } = await identityApi.get<unknown>('/admin/reports/top-products', {
        params: { from: range.from, to: range.to, limit },
      });
      return parseResponse(topProductsSchema, data);
    },
  });
}

/**
 * Downloads the range's orders as CSV. The export needs the bearer token, so it is fetched
 * here and handed to the browser as a file rather than opened as a plain link.
 */
export async function downloadOrdersCsv(range: ReportRange) {
  const response = await identityApi.get<string>('/admin/exports/orders.csv', {
    params: { from: range.from, to: range.to },
    responseType: 'text',
  });
  const url = URL.createObjectURL(new Blob([response.data], { type: 'text/csv;charset=utf-8' }));
  try {
    const link = document.createElement('a');
    link.href = url;
    link.download = `orders-${range.from}-${range.to}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
  } finally {
    URL.revokeObjectURL(url);
  }
}
