/**
 * Minor units ↔ the decimal strings some gateways speak (YooKassa's `"100.50"`), without floating
 * point: 0.1 + 0.2 must never reach a payment. The number of decimals is ISO 4217's, as ICU knows it
 * (RUB 2, JPY 0, KWD 3).
 */

const decimalsByCurrency = new Map<string, number>();

export function currencyDecimals(currency: string): number {
  let decimals = decimalsByCurrency.get(currency);
  if (decimals !== undefined) return decimals;
  try {
    decimals = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new RangeError(`unknown currency ${JSON.stringify(currency)}`);
  }
  decimalsByCurrency.set(currency, decimals);
  return decimals;
}

/** 10050 RUB → `"100.50"`; 500 JPY → `"500"`. */
export function formatMinor(amountMinor: number, currency: string): string {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError(`amount must be a non-negative integer of minor units, got ${amountMinor}`);
  const decimals = currencyDecimals(currency);
  if (decimals === 0) return String(amountMinor);
  const digits = String(amountMinor).padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** `"100.50"` RUB → 10050; `"100.5"` and `"100"` too. Undefined for anything that is not such a decimal. */
export function parseMajor(value: unknown, currency: string): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(String(value).trim());
  if (!match) return undefined;
  const decimals = currencyDecimals(currency);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction.length > decimals) return undefined;
  const minor = Number(match[1] + fraction.padEnd(decimals, '0'));
  return Number.isSafeInteger(minor) ? minor : undefined;
}
