import { canonicalJson, requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  const base = {
    model: 'seedream-v4',
    mode: 'i2i',
    prompt: 'a fox',
    options: { size: '2048*2048', count: 1 },
    inputs: [{ type: 'image', url: 'https://a.example/1.png' }],
  };

  it('ignores key order at every depth and absent-vs-undefined', () => {
    const shuffled = {
      inputs: [{ url: 'https://a.example/1.png', type: 'image' }],
      options: { count: 1, size: '2048*2048' },
      prompt: 'a fox',
      mode: 'i2i',
      model: 'seedream-v4',
      chatId: undefined,
    };
    expect(requestFingerprint(shuffled)).toBe(requestFingerprint(base));
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it.each([
    ['the model', { model: 'nano-banana' }],
    ['the mode', { mode: 't2i' }],
    ['the prompt', { prompt: 'a wolf' }],
    ['an option value', { options: { size: '1024*1024', count: 1 } }],
    ['an extra option', { options: { size: '2048*2048', count: 1, quality: 'high' } }],
    ['an input url', { inputs: [{ type: 'image', url: 'https://a.example/2.png' }] }],
    ['an input given by data id instead', { inputs: [{ type: 'image', dataId: '5b0f…' }] }],
    ['the chat', { chatId: '42' }],
  ])('changes with %s', (_what, change) => {
    expect(requestFingerprint({ ...base, ...change })).not.toBe(requestFingerprint(base));
  });

  it('keeps the order of inputs significant', () => {
    const two = [
      { type: 'image', url: 'https://a.example/1.png' },
      { type: 'image', url: 'https://a.example/2.png' },
    ];
    expect(requestFingerprint({ ...base, inputs: two })).not.toBe(requestFingerprint({ ...base, inputs: [...two].reverse() }));
  });
});
