/**
 * Stripe's form encoding, as its client writes it (`line_items[0][price_data][currency]=rub`,
 * `expand[0]=payment_intent`), decoded into nested objects; numeric keys make arrays. Values stay
 * strings, as they arrive on the wire.
 */
export function parseStripeForm(encoded: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: Record<string, unknown> = root;
    path.forEach((part, index) => {
      const last = index === path.length - 1;
      // `expand[]=x` appends.
      const name = part === '' && Array.isArray(node) ? String(node.length) : part;
      if (last) {
        node[name] = value;
        return;
      }
      node[name] ??= /^\d*$/.test(path[index + 1]) ? [] : {};
      node = node[name] as Record<string, unknown>;
    });
  }
  return root;
}
