/**
 * Money arrives as decimal strings ("19.99") with a currency. We never turn it into a float for
 * arithmetic; Intl formats the string's value for display only.
 */
export function formatMoney(amount: string | number | null | undefined, currency = 'USD'): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(value)) return String(amount);
  return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(value);
}

/** Adds decimal strings exactly by working in integer cents. */
export function addMoney(...amounts: (string | null | undefined)[]): string {
  let cents = 0n;
  for (const amount of amounts) {
    if (!amount) continue;
    const negative = amount.trim().startsWith('-');
    const [whole = '0', fraction = ''] = amount.trim().replace('-', '').split('.');
    const value = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
    cents += negative ? -value : value;
  }
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}
