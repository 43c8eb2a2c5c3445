import { CatalogModel, assertInputCount, priceOf, resolveMode, resolveOptions } from './catalog';

const model: CatalogModel = {
  id: 'm',
  slug: 'demo',
  displayName: 'Demo',
  description: null,
  kind: 'image',
  modes: ['t2i', 'i2i'],
  provider: 'wavespeed',
  providerModel: 'x/t2i',
  providerModelI2i: 'x/edit',
  fallbackProvider: null,
  fallbackModel: null,
  optionsSchema: {
    size: { type: 'enum', values: ['1024*1024', '1536*1024'], default: '1024*1024' },
    quality: { type: 'enum', values: ['low', 'high'], default: 'low' },
    input_fidelity: { type: 'enum', values: ['low', 'high'], modes: ['i2i'] },
    count: { type: 'integer', min: 1, max: 4, default: 2 },
  },
  minInputImages: 0,
  maxInputImages: 2,
  outputsPerRun: 1,
  quality: null,
  avgDurationSeconds: null,
  timeoutSeconds: 600,
  serviceType: null,
  isActive: true,
  sortOrder: 0,
  prices: [
    { mode: null, match: {}, credits: 10, usd: null },
    { mode: null, match: { quality: 'high' }, credits: 30, usd: null },
    { mode: 'i2i', match: { quality: 'high' }, credits: null, usd: 0.009 },
    { mode: 'i2i', match: { quality: 'high', size: '1536*1024' }, credits: null, usd: 0.051 },
  ],
};

describe('catalog rules', () => {
  it('fills defaults and refuses unknown options, values and options of another mode', () => {
    expect(resolveOptions(model, 't2i', {})).toEqual({ size: '1024*1024', quality: 'low', count: 2 });
    expect(resolveOptions(model, 'i2i', { input_fidelity: 'high', count: '3' })).toEqual({
      size: '1024*1024',
      quality: 'low',
      input_fidelity: 'high',
      count: 3,
    });
    expect(() => resolveOptions(model, 't2i', { input_fidelity: 'high' })).toThrow('demo has no option input_fidelity in mode t2i');
    expect(() => resolveOptions(model, 't2i', { size: '1*1' })).toThrow('size must be one of 1024*1024, 1536*1024');
    expect(() => resolveOptions(model, 't2i', { colour: 'red' })).toThrow('demo has no option colour');
    expect(() => resolveOptions(model, 't2i', { count: 9 })).toThrow('count must be an integer from 1 to 4');
  });

  it('uses the most specific price rule, and rounds USD prices up without float noise', () => {
    const price = (mode: 't2i' | 'i2i', options: Record<string, unknown>) => priceOf(model, mode, resolveOptions(model, mode, options), 1000);
    expect(price('t2i', {})).toBe(10);
    expect(price('t2i', { quality: 'high' })).toBe(30);
    expect(price('i2i', { quality: 'high' })).toBe(9); // 0.009 × 1000 is 9.000000000000002 in floating point
    expect(price('i2i', { quality: 'high', size: '1536*1024' })).toBe(51);
    expect(priceOf(model, 'i2i', { quality: 'high', size: '1024*1024' }, 333)).toBe(3); // 2.997 → 3
  });

  it('picks the mode from what came with the request', () => {
    expect(resolveMode(model, undefined, 0)).toBe('t2i');
    expect(resolveMode(model, undefined, 1)).toBe('i2i');
    expect(() => resolveMode(model, 'tool', 0)).toThrow('demo does not support mode tool');
  });

  it('checks input image counts per mode', () => {
    expect(() => assertInputCount(model, 't2i', 1)).toThrow('takes no input images');
    expect(() => assertInputCount(model, 'i2i', 0)).toThrow('takes 1 to 2 input image(s)');
    expect(() => assertInputCount(model, 'i2i', 2)).not.toThrow();
  });
});
