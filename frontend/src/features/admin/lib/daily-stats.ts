import { addMoney } from '@/lib/money';

/** Orders whose money the shop keeps (refunded, cancelled, failed and unpaid ones are left out). */
const REVENUE_STATUSES = new Set(['paid', 'processing', 'shipped', 'delivered']);

export interface DailyStat {
  day: string; // YYYY-MM-DD (UTC)
  label: string; // e.g. "Nov 21"
  orders: number;
  revenue: string; // decimal string, exact
}

function dayKey(date: Date) {
  return date.toISOString().slice(0, 10);
}

/** One row per day for the last `days` days (oldest first), including days without orders. */
export function dailyStats(
  orders: { created_at?: string | null; total: string; status: string }[],
  days: number,
  today: Date = new Date(),
): DailyStat[] {
  const rows = new Map<string, DailyStat>();
  for (let offset = days - 1; offset >= 0; offset--) {
    const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - offset));
    const key = dayKey(date);
    rows.set(key, {
      day: key,
      label: date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }),
      orders: 0,
      revenue: '0.00',
    });
  }
  for (const order of orders) {
    if (!order.created_at) continue;
    const row = rows.get(dayKey(new Date(order.created_at)));
    if (!row) continue;
    row.orders += 1;
    if (REVENUE_STATUSES.has(order.status)) row.revenue = addMoney(row.revenue, order.total);
  }
  return [...rows.values()];
}
