import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';

import { toast, useToastStore } from '@/components/ui/toast-store';
import { Toaster } from '@/components/ui/toaster';

describe('toasts', () => {
  it('keeps only the last four', () => {
    for (let i = 1; i <= 6; i++) toast.info(`message ${i}`);
    const messages = useToastStore.getState().toasts.map((t) => t.message);
    expect(messages).toEqual(['message 3', 'message 4', 'message 5', 'message 6']);
  });

  it('announces success politely and errors as alerts, and can be dismissed', async () => {
    render(<Toaster />);
    act(() => {
      toast.success('Added to your cart');
      toast.error('Payment declined');
    });
    expect(screen.getByRole('status')).toHaveTextContent('Added to your cart');
    expect(screen.getByRole('alert')).toHaveTextContent('Payment declined');
    await userEvent.click(screen.getAllByRole('button', { name: 'Dismiss notification' })[0]!);
    expect(screen.queryByText('Added to your cart')).not.toBeInTheDocument();
  });
});
