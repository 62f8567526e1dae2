import type { Interval, ReportRange } from '@/features/admin/api/admin-reports-api';

/** YYYY-MM-DD of a date as the browser's calendar shows it. */
export function isoDay(date: Date): string {
  const month = String(date.getMonth() + 1).padStart(2, '0');
  const day = String(date.getDate()).padStart(2, '0');
  return `${date.getFullYear()}-${month}-${day}`;
}

/** The last `days` days up to today, both included. */
export function lastDays(days: number, today: Date = new Date()): ReportRange {
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate() - (days - 1));
  return { from: isoDay(start), to: isoDay(today) };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Why a range cannot be asked for, or null when it can (the service says the same with a 400). */
export function rangeProblem(range: ReportRange): string | null {
  if (!DAY.test(range.from) || !DAY.test(range.to)) return 'Pick both dates.';
  if (range.from > range.to) return '"From" must not be after "To".';
  return null;
}

/** How a bucket's first day is shown: "Mar 10", "Week of Mar 10", "March 2025". */
export function bucketLabel(start: string, interval: Interval): string {
  const date = new Date(`${start}T00:00:00Z`);
  if (interval === 'month') return date.toLocaleDateString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const short = date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return interval === 'week' ? `Week of ${short}` : short;
}
