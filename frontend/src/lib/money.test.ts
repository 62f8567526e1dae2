import { describe, expect, it } from 'vitest';

import { addMoney, formatMoney } from '@/lib/money';

describe('money', () => {
  it('adds decimal strings exactly, without float drift', () => {
    expect(addMoney('0.10', '0.20')).toBe('0.30');
    expect(addMoney('999.00', '79.92', '0.00')).toBe('1078.92');
    expect(addMoney('5.5', '-10.25')).toBe('-4.75');
  });

  it('formats with the currency', () => {
    expect(formatMoney('19.99', 'USD')).toBe('$19.99');
    expect(formatMoney(null)).toBe('—');
  });
});
