import { canonicalJson } from './canonical-json';
import { MAX_JSON_DEPTH, findUnsafeInput, jsonDepthExceeds, storableText } from './input-safety';

describe('jsonDepthExceeds', () => {
  it('counts arrays and objects, not brackets inside strings or after escaped quotes', () => {
    expect(jsonDepthExceeds('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ a: '['.repeat(1000) }))).toBe(false);
    expect(jsonDepthExceeds(JSON.stringify({ a: '\\"' + '{'.repeat(1000) }))).toBe(false);
    expect(jsonDepthExceeds('{"a":'.repeat(100_000))).toBe(true);
  });
});

describe('findUnsafeInput', () => {
  it('names NUL, lone surrogates, unsafe numbers and bad keys by their dotted path', () => {
    const problems = findUnsafeInput({ a: 'x\u0000', b: [1, '\ud800'], c: { d: 2 ** 53 }, e: Infinity, ['k\u0000']: 1, ok: 'fox🦊', n: -(2 ** 53 - 1) });
    expect(problems.map((p) => p.field).sort()).toEqual(['a', 'b.1', 'c.d', 'e', 'k\\u0000']);
  });

  it('walks a very deep value without recursion and names the root for a bad primitive', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findUnsafeInput(deep)).toHaveLength(1);
    expect(findUnsafeInput('\udc00', 'tool')).toEqual([{ field: 'tool', problems: [expect.stringContaining('surrogate')] }]);
  });
});

describe('storableText', () => {
  it('drops NUL and replaces lone surrogates, keeping pairs', () => {
    expect(storableText('M\u0000ia\ud800 🦊\udfff')).toBe('Mia\ufffd 🦊\ufffd');
  });
});

describe('canonicalJson', () => {
  it('is the same text for the same value whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: undefined } })).toBe(canonicalJson({ a: { d: [{ x: 2, y: 1 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: '1' }));
  });
});
