/**
 * What every request value must be before any DTO rule looks at it: text PostgreSQL can store
 * (no NUL, no lone UTF-16 surrogate: text columns and jsonb refuse both with a 500) and numbers
 * JavaScript holds exactly (|n| ≤ 2^53 − 1: past that a bigint column gets a rounded or an
 * out-of-range value). Checked here once for bodies, queries and path params, keys included.
 */

/** Bodies nest at most this deep; deeper ones are refused before parsing (see jsonDepthExceeds). */
export const MAX_JSON_DEPTH = 32;

/** Stops the walk of a hostile body early: the first problems are enough to name. */
const MAX_PROBLEMS = 20;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Why a string cannot be stored, or undefined when it can. */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain the NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'must be well-formed Unicode (no lone surrogate)';
  return undefined;
}

/**
 * The same text with what PostgreSQL refuses made harmless: NUL dropped, a lone surrogate turned
 * into U+FFFD. For text we cannot refuse because someone else signed it (Telegram's initData).
 */
export function storableText(value: string): string {
  return value.replaceAll('\u0000', '').replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd');
}

/**
 * Walks a parsed request value without recursion (its depth is bounded by the parser, but a
 * walk that cannot overflow the stack needs no such promise) and lists every field whose key,
 * text or number cannot go further. Field paths are dotted, array indexes included (`input.0.url`).
 */
export function findUnsafeInput(value: unknown, root = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const [node, path] = stack.pop()!;
    const field = path || 'body';
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) problems.push({ field, problems: [problem] });
    } else if (typeof node === 'number') {
      if (!Number.isFinite(node)) problems.push({ field, problems: ['must be a finite number'] });
      else if (Math.abs(node) > Number.MAX_SAFE_INTEGER)
        problems.push({ field, problems: [`must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`] });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], path ? `${path}.${i}` : String(i)]);
    } else if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const keyProblem = textProblem(key);
        const childPath = path ? `${path}.${printable(key)}` : printable(key);
        if (keyProblem) problems.push({ field: childPath, problems: [`field name ${keyProblem}`] });
        else stack.push([child, childPath]);
      }
    }
  }
  return problems;
}

/** A key as it can be shown in an error body and a log line: control characters and lone surrogates escaped. */
function printable(key: string): string {
  return key.replace(new RegExp(`[\\u0000-\\u001f]|${LONE_SURROGATE.source}`, 'g'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Whether a JSON text nests deeper than `max` arrays/objects. A single pass over the characters
 * with a counter, skipping strings, so a 10 000-deep body costs a scan, not a stack overflow in
 * JSON.parse's consumers (class-transformer, class-validator, our own walks).
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped, a quote included
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
