import type { Order } from '@/lib/api-schemas/identity-commerce';
import { statusLabel } from '@/lib/orders';

export function OrderTimeline({ timeline }: { timeline: Order['timeline'] }) {
  if (timeline.length === 0) return null;
  return (
    <ol aria-label="Order timeline" className="relative space-y-4 border-l-2 border-slate-200 pl-5">
      {timeline.map((entry, index) => (
        <li key={`${entry.status}-${entry.at}-${index}`} className="relative">
          <span className="absolute -left-[27px] top-1 h-3 w-3 rounded-full bg-brand-600 ring-4 ring-white" aria-hidden="true" />
          <p className="font-medium">{statusLabel(entry.status)}</p>
          <p className="text-xs text-slate-600">
            <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
          </p>
          {entry.note && <p className="text-sm text-slate-700">{entry.note}</p>}
        </li>
      ))}
    </ol>
  );
}
