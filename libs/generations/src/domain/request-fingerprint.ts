import { createHash } from 'node:crypto';

/**
 * A digest of everything a submit asked for, so that a replay under the same Idempotency-Key can
 * be told from a different request: same digest → the first generation, anything else → 409.
 * Object keys are sorted at every depth (a client's key order means nothing), `undefined` and
 * absent are the same, array order is kept (the order of input images matters to a model).
 */
export function requestFingerprint(request: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}
