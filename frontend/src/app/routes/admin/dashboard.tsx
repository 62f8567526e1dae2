import { useMemo } from 'react';
import { Link } from 'react-router';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { DataTable, type Column } from '@/components/ui/data-table';
import { QueryView } from '@/components/ui/query-view';
import { useRecentOrders } from '@/features/admin/api/admin-orders-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { LowStockTable } from '@/features/admin/components/low-stock-table';
import { dailyStats, type DailyStat } from '@/features/admin/lib/daily-stats';
import { addMoney, formatMoney } from '@/lib/money';

const DAYS = 14;

const dayColumns: Column<DailyStat>[] = [
  { header: 'Day', cell: (day) => day.label },
  { header: 'Orders', align: 'right', cell: (day) => day.orders },
  { header: 'Revenue', align: 'right', cell: (day) => formatMoney(day.revenue) },
];

export function Component() {
  const orders = useRecentOrders();
  const stats = useMemo(() => (orders.data ? dailyStats(orders.data, DAYS) : []), [orders.data]);
  const totals = useMemo(
    () => ({
      orders: stats.reduce((sum, day) => sum + day.orders, 0),
      revenue: addMoney(...stats.map((day) => day.revenue)),
    }),
    [stats],
  );
  const awaiting = orders.data?.filter((o) => o.status === 'paid' || o.status === 'processing').length ?? 0;
  const chartData = stats.map((day) => ({ ...day, revenueValue: Number(day.revenue) }));

  return (
    <AdminShell title="Dashboard">
      <QueryView query={orders} loadingLabel="Loading orders…">
        {() => (
          <>
            <dl className="grid gap-4 sm:grid-cols-3">
              <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <dt className="text-sm text-slate-600">Orders, last {DAYS} days</dt>
                <dd className="text-2xl font-semibold">{totals.orders}</dd>
              </div>
              <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <dt className="text-sm text-slate-600">Revenue, last {DAYS} days</dt>
                <dd className="text-2xl font-semibold">{formatMoney(totals.revenue)}</dd>
              </div>
              <div className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <dt className="text-sm text-slate-600">Waiting to ship</dt>
                <dd className="text-2xl font-semibold">
                  <Link to="/admin/orders?status=paid" className="text-brand-700 hover:underline">
                    {awaiting}
                  </Link>
                </dd>
              </div>
            </dl>
            <section aria-labelledby="chart-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
              <h2 id="chart-heading" className="mb-2 font-semibold">
                Orders and revenue per day
              </h2>
              <div className="h-72" role="img" aria-label={`Chart of orders and revenue per day for the last ${DAYS} days; the same numbers are in the table below.`}>
                <ResponsiveContainer width="100%" height="100%">
                  <ComposedChart data={chartData} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                    <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                    <XAxis dataKey="label" tick={{ fontSize: 12 }} />
                    <YAxis yAxisId="orders" allowDecimals={false} tick={{ fontSize: 12 }} />
                    <YAxis yAxisId="revenue" orientation="right" tick={{ fontSize: 12 }} />
                    <Tooltip formatter={(value, name) => (name === 'Revenue' ? formatMoney(Number(value)) : String(value))} />
                    <Legend />
                    <Bar yAxisId="orders" dataKey="orders" name="Orders" fill="#6366f1" />
                    <Line yAxisId="revenue" dataKey="revenueValue" name="Revenue" stroke="#059669" strokeWidth={2} dot={false} isAnimationActive={false} />
                  </ComposedChart>
                </ResponsiveContainer>
              </div>
              <details className="mt-3 text-sm">
                <summary className="cursor-pointer text-brand-700">Show as a table</summary>
                <DataTable variant="plain" className="mt-2" columns={dayColumns} rows={stats} rowKey={(day) => day.day} />
              </details>
            </section>
          </>
        )}
      </QueryView>
      <section aria-labelledby="low-stock-heading" className="space-y-3">
        <h2 id="low-stock-heading" className="text-lg font-semibold">
          Low stock
        </h2>
        <LowStockTable limit={10} />
      </section>
    </AdminShell>
  );
}
