import { useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

import { Button } from '@/components/ui/button';
import { DataTable, type Column } from '@/components/ui/data-table';
import { SelectField, TextField } from '@/components/ui/form-field';
import { QueryView } from '@/components/ui/query-view';
import { toast } from '@/components/ui/toast-store';
import { downloadOrdersCsv, useSalesReport, useTopProducts, type Interval, type ReportRange } from '@/features/admin/api/admin-reports-api';
import { AdminShell } from '@/features/admin/components/admin-shell';
import { LowStockTable } from '@/features/admin/components/low-stock-table';
import { bucketLabel, lastDays, rangeProblem } from '@/features/admin/lib/report-range';
import type { SalesBucket, TopProducts } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

const DEFAULT_DAYS = 14;

const figures: { key: keyof SalesBucket; label: string; money: boolean }[] = [
  { key: 'orders', label: 'Orders', money: false },
  { key: 'gross', label: 'Gross', money: true },
  { key: 'discounts', label: 'Discounts', money: true },
  { key: 'refunds', label: 'Refunds', money: true },
  { key: 'net', label: 'Net', money: true },
  { key: 'average_order_value', label: 'Average order', money: true },
];

function bucketColumns(interval: Interval, currency: string): Column<SalesBucket>[] {
  return [
    { header: 'Period', cell: (bucket) => bucketLabel(bucket.start, interval) },
    ...figures.map(({ key, label, money }) => ({
      header: label,
      align: 'right' as const,
      cell: (bucket: SalesBucket) => (money ? formatMoney(String(bucket[key]), currency) : bucket[key]),
    })),
  ];
}

const productColumns: Column<TopProducts[number]>[] = [
  { header: 'Product', cell: (p) => `${p.name} (${p.sku})` },
  { header: 'Units', align: 'right', cell: (p) => p.units },
  { header: 'Revenue', align: 'right', cell: (p) => formatMoney(p.revenue) },
];

export function Component() {
  const [draft, setDraft] = useState<ReportRange>(() => lastDays(DEFAULT_DAYS));
  const [range, setRange] = useState<ReportRange>(draft);
  const [interval, setInterval] = useState<Interval>('day');
  const [downloading, setDownloading] = useState(false);
  const report = useSalesReport(range, interval);
  const top = useTopProducts(range);
  const problem = rangeProblem(draft);

  const download = async () => {
    setDownloading(true);
    try {
      await downloadOrdersCsv(range);
    } catch (error) {
      toast.error(error instanceof Error ? error.message : 'The export failed');
    } finally {
      setDownloading(false);
    }
  };

  return (
    <AdminShell title="Dashboard">
      <form
        aria-label="Report range"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          if (!problem) setRange(draft);
        }}
      >
        <TextField label="From" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        <TextField label="To" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        <SelectField label="Per" value={interval} onChange={(e) => setInterval(e.target.value as Interval)} containerClassName="w-32">
          <option value="day">Day</option>
          <option value="week">Week</option>
          <option value="month">Month</option>
        </SelectField>
        <Button type="submit" disabled={problem !== null}>
          Show
        </Button>
        <Button type="button" variant="secondary" isLoading={downloading} onClick={() => void download()}>
          Download orders CSV
        </Button>
        {problem && (
          <p role="alert" className="text-sm text-red-700">
            {problem}
          </p>
        )}
      </form>
      <QueryView query={report} loadingLabel="Loading the sales report…">
        {(data) => {
          const chartData = data.buckets.map((bucket) => ({
            label: bucketLabel(bucket.start, data.interval),
            orders: bucket.orders,
            netValue: Number(bucket.net),
          }));
          return (
            <>
              <dl className="grid gap-4 sm:grid-cols-3 lg:grid-cols-6" aria-label="Totals of the range">
                {figures.map(({ key, label, money }) => (
                  <div key={key} className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                    <dt className="text-sm text-slate-600">{label}</dt>
                    <dd className="text-2xl font-semibold" data-testid={`total-${key}`}>
                      {money ? formatMoney(String(data.totals[key]), data.currency) : data.totals[key]}
                    </dd>
                  </div>
                ))}
              </dl>
              <p className="text-sm text-slate-600">
                {data.from} to {data.to}, days in {data.time_zone}. A sale is a paid order, on the day it was placed;
                refunds count on the day they were made.
              </p>
              <section aria-labelledby="chart-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
                <h2 id="chart-heading" className="mb-2 font-semibold">
                  Orders and net sales per {data.interval}
                </h2>
                <div
                  className="h-72"
                  role="img"
                  aria-label={`Chart of orders and net sales per ${data.interval} from ${data.from} to ${data.to}; the same numbers are in the table below.`}
                >
                  <ResponsiveContainer width="100%" height="100%">
                    <ComposedChart data={chartData} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
                      <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                      <XAxis dataKey="label" tick={{ fontSize: 12 }} />
                      <YAxis yAxisId="orders" allowDecimals={false} tick={{ fontSize: 12 }} />
                      <YAxis yAxisId="net" orientation="right" tick={{ fontSize: 12 }} />
                      <Tooltip formatter={(value, name) => (name === 'Net' ? formatMoney(Number(value)) : String(value))} />
                      <Legend />
                      <Bar yAxisId="orders" dataKey="orders" name="Orders" fill="#6366f1" />
                      <Line yAxisId="net" dataKey="netValue" name="Net" stroke="#059669" strokeWidth={2} dot={false} isAnimationActive={false} />
                    </ComposedChart>
                  </ResponsiveContainer>
                </div>
                <details className="mt-3 text-sm">
                  <summary className="cursor-pointer text-brand-700">Show as a table</summary>
                  <DataTable
                    label="Sales per period"
                    variant="plain"
                    className="mt-2"
                    columns={bucketColumns(data.interval, data.currency)}
                    rows={data.buckets}
                    rowKey={(bucket) => bucket.start}
                  />
                </details>
              </section>
            </>
          );
        }}
      </QueryView>
      <section aria-labelledby="top-heading" className="space-y-3">
        <h2 id="top-heading" className="text-lg font-semibold">
          Best sellers
        </h2>
        <QueryView query={top} loadingLabel="Loading best sellers…" isEmpty={(rows) => rows.length === 0} emptyTitle="No sales in this range">
          {(rows) => <DataTable label="Best sellers" columns={productColumns} rows={rows} rowKey={(p) => p.sku} />}
        </QueryView>
      </section>
      <section aria-labelledby="low-stock-heading" className="space-y-3">
        <h2 id="low-stock-heading" className="text-lg font-semibold">
          Low stock
        </h2>
        <LowStockTable limit={10} />
      </section>
    </AdminShell>
  );
}
