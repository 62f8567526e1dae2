import type { Order } from '@/lib/api-schemas/identity-commerce';
import { formatMoney } from '@/lib/money';

const returnLabels: Record<string, string> = {
  requested: 'Requested',
  approved: 'Approved: please send the items back',
  rejected: 'Not accepted',
  received: 'Received and refunded',
};

/** Each refund (what it gave back) and each return (where it stands) of an order. */
export function RefundsAndReturns({ order }: { order: Order }) {
  const refunds = order.payment?.refunds ?? [];
  const returns = order.returns;
  if (refunds.length === 0 && returns.length === 0) return null;
  return (
    <div className="space-y-4">
      {refunds.length > 0 && (
        <section aria-labelledby="refunds-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="refunds-heading" className="mb-2 font-semibold">
            Refunds
          </h2>
          <ul className="space-y-2 text-sm" data-testid="refunds">
            {refunds.map((refund) => (
              <li key={refund.id}>
                <span className="font-medium">{formatMoney(refund.amount, order.currency)}</span>
                {refund.created_at && <span className="text-slate-600"> · {new Date(refund.created_at).toLocaleDateString()}</span>}
                {refund.reason && <span className="text-slate-600"> · {refund.reason}</span>}
                {(refund.lines.length > 0 || Number(refund.shipping_amount ?? 0) > 0) && (
                  <ul className="ml-4 list-disc text-slate-700">
                    {refund.lines.map((line) => (
                      <li key={line.sku}>
                        {line.quantity} × {line.name} ({line.sku}): {formatMoney(line.amount, order.currency)}
                      </li>
                    ))}
                    {Number(refund.shipping_amount ?? 0) > 0 && <li>Shipping: {formatMoney(refund.shipping_amount, order.currency)}</li>}
                  </ul>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {returns.length > 0 && (
        <section aria-labelledby="returns-heading" className="rounded-lg bg-white p-4 ring-1 ring-slate-200">
          <h2 id="returns-heading" className="mb-2 font-semibold">
            Returns
          </h2>
          <ul className="space-y-2 text-sm" data-testid="returns">
            {returns.map((item) => (
              <li key={item.id}>
                <span className="font-medium">{returnLabels[item.status] ?? item.status}</span>
                <span className="text-slate-600"> · {item.lines.map((line) => `${line.quantity} × ${line.name}`).join(', ')}</span>
                {item.note && <span className="block text-slate-600">Note from the shop: {item.note}</span>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
