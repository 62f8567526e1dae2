import { Badge, type BadgeTone } from '@/components/ui/badge';
import { statusLabel } from '@/lib/orders';

const tones: Record<string, BadgeTone> = {
  pending_payment: 'warning',
  paid: 'success',
  processing: 'info',
  shipped: 'info',
  delivered: 'success',
  payment_failed: 'danger',
  cancelled: 'neutral',
  expired: 'neutral',
  refunded: 'neutral',
};


export function OrderStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={tones[status] ?? 'neutral'} className="capitalize">
      <span data-testid="order-status" data-status={status}>
        {statusLabel(status)}
      </span>
    </Badge>
  );
}
