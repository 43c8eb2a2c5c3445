/**
 * JSON with every object's keys sorted, so two values that mean the same (`{a, b}` and `{b, a}`,
 * or a jsonb column read back in its own key order) have one text. Used wherever a request or a
 * stored row is compared for idempotency: raw JSON.stringify made a reordered retry a 409.
 */
export function canonicalJson(value: unknown): string {
  // The round trip applies JSON's own rules first: toJSON (dates), undefined fields dropped.
  const plain: unknown = JSON.parse(JSON.stringify(value ?? null) ?? 'null');
  return JSON.stringify(sortKeys(plain));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const source = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(source)
      .sort()
      .map((key) => [key, sortKeys(source[key])]),
  );
}
