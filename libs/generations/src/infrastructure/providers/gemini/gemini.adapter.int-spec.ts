import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { AppConfig } from '@genbot/core';
import { TEST_REDIS_URL } from '@genbot/testing';
// libs/testing's index does not export the provider fakes yet; reach the folder directly.
import { FAKE_GEMINI_RETRY_DELAY_SECONDS, FakeGemini } from '@genbot/testing';
import { ProviderError, ProviderInput } from '../../../application/ports/generation-provider';
import { GeminiAdapter } from './gemini.adapter';
import { GeminiKeyPool, GeminiKeyPoolOptions } from './gemini-key-pool';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('GeminiAdapter against the Gemini protocol fake and Redis', () => {
  let fake: FakeGemini;
  let redis: Redis;
  const prefixes: string[] = [];

  const setup = (apiKeys: string[], options: GeminiKeyPoolOptions = {}) => {
    const prefix = `test:gemini-adapter:${randomUUID()}`;
    prefixes.push(prefix);
    const config = AppConfig.load({ GEMINI_API_KEYS: apiKeys.join(','), GEMINI_BASE_URL: fake.baseUrl }, { readDotenv: false, source: {} });
    const pool = new GeminiKeyPool(config, redis, { ...options, prefix });
    return { adapter: new GeminiAdapter(config, pool), pool };
  };
  const t2i: ProviderInput = { providerModel: 'gemini-2.5-flash-image', mode: 't2i', prompt: 'a paper boat on a puddle', options: {} };
  const drawing = Buffer.from('fake drawing bytes');
  const i2i: ProviderInput = {
    providerModel: 'gemini-2.5-flash-image',
    mode: 'i2i',
    prompt: 'bring it to life',
    images: [{ data: drawing, contentType: 'image/jpeg' }],
    options: {},
  };
  const providerError = async (promise: Promise<unknown>): Promise<ProviderError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  };
  const outputsOf = (status: unknown) => (status as { outputs: { data: Buffer; contentType: string }[] }).outputs;

  beforeAll(async () => {
    fake = await FakeGemini.start();
    redis = new Redis(TEST_REDIS_URL);
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    for (const prefix of prefixes) {
      const stale = await redis.keys(`{${prefix}}:*`);
      if (stale.length > 0) await redis.del(...stale);
    }
    await redis.quit();
    await fake.close();
  });

  it('is named gemini and configured only with keys', () => {
    expect(setup(fake.apiKeys).adapter.name).toBe('gemini');
    expect(setup(fake.apiKeys).adapter.isConfigured()).toBe(true);
    expect(setup([]).adapter.isConfigured()).toBe(false);
  });

  it('generates inside submit: the PNG comes back as bytes', async () => {
    const { adapter } = setup(fake.apiKeys);

    const { externalId, status } = await adapter.submit(t2i, 'gen-1');

    expect(externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(status.state).toBe('succeeded');
    expect(outputsOf(status)).toHaveLength(1);
    expect(outputsOf(status)[0].contentType).toBe('image/png');
    expect(outputsOf(status)[0].data.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(outputsOf(status)[0].data).toEqual(fake.png);
  });

  it('sends the key header, the model in the path and the drawing inline after the prompt', async () => {
    const { adapter } = setup(fake.apiKeys);

    await adapter.submit({ ...i2i, options: { aspect_ratio: '1:1' } }, 'gen-2');

    expect(fake.lastCall()).toMatchObject({
      method: 'POST',
      path: '/v1beta/models/gemini-2.5-flash-image:generateContent',
      apiKey: fake.apiKeys[0],
      keyVia: 'header',
      status: 200,
      body: {
        contents: [{ role: 'user', parts: [{ text: 'bring it to life' }, { inline_data: { mime_type: 'image/jpeg', data: drawing.toString('base64') } }] }],
        generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '1:1' } },
      },
    });
  });

  it('makes one run per image asked for, spreading them over the keys', async () => {
    const { adapter } = setup(fake.apiKeys);

    const { status } = await adapter.submit({ ...i2i, options: { count: 4 } }, 'gen-3');

    expect(outputsOf(status)).toHaveLength(4);
    expect(fake.calls().map((call) => call.apiKey)).toEqual([fake.apiKeys[0], fake.apiKeys[1], fake.apiKeys[0], fake.apiKeys[1]]);
  });

  it('moves to the second key when the first answers 429, and cools the first for the delay Google gave', async () => {
    const { adapter, pool } = setup(fake.apiKeys);
    fake.failNext('http429', { key: fake.apiKeys[0] });

    const { status } = await adapter.submit(t2i, 'gen-4');

    expect(status.state).toBe('succeeded');
    expect(fake.calls().map((call) => [call.apiKey, call.status])).toEqual([
      [fake.apiKeys[0], 429],
      [fake.apiKeys[1], 200],
    ]);
    const [first, second] = await pool.usage();
    expect(first).toMatchObject({ coolingSeconds: FAKE_GEMINI_RETRY_DELAY_SECONDS, coolReason: 'rate_limited' });
    expect(second.coolingSeconds).toBe(0);
    // While it cools, every run goes to the second key.
    await adapter.submit(t2i, 'gen-5');
    expect(fake.lastCall()?.apiKey).toBe(fake.apiKeys[1]);
  });

  it('is rate_limited, with the soonest delay, when every key answers 429', async () => {
    const { adapter } = setup(fake.apiKeys);
    fake.failNext('http429', { key: fake.apiKeys[0] });
    fake.failNext({ status: 429, error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'slow down' } }, { key: fake.apiKeys[1] });

    const error = await providerError(adapter.submit(t2i, 'gen-6'));

    expect(error).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: FAKE_GEMINI_RETRY_DELAY_SECONDS });
  });

  it('sets a key aside for the rest of the day when its daily quota is spent', async () => {
    const { adapter, pool } = setup(fake.apiKeys.slice(0, 1));
    fake.failNext('quota');

    const error = await providerError(adapter.submit(t2i, 'gen-7'));

    expect(error.kind).toBe('rate_limited');
    expect(Math.abs(error.retryAfterSeconds! - pool.secondsUntilDayReset())).toBeLessThanOrEqual(2);
    expect((await providerError(adapter.submit(t2i, 'gen-8'))).kind).toBe('rate_limited');
    expect(fake.calls()).toHaveLength(1);
  });

  it('refuses to call Google beyond the pool quota', async () => {
    const { adapter } = setup(fake.apiKeys, { rpm: 1 });

    const { status } = await adapter.submit({ ...t2i, options: { count: 3 } }, 'gen-9');

    // Two keys, one request a minute each: two images, and the third run is not sent.
    expect(outputsOf(status)).toHaveLength(2);
    expect(fake.calls()).toHaveLength(2);
    const error = await providerError(adapter.submit(t2i, 'gen-10'));
    expect(error.kind).toBe('rate_limited');
    expect(error.retryAfterSeconds).toBeGreaterThan(50);
  });

  it('sets a refused key aside and uses the next; with no good key it is unavailable', async () => {
    const { adapter, pool } = setup(['AIzaRevokedKey-000', fake.apiKeys[1]]);

    expect((await adapter.submit(t2i, 'gen-11')).status.state).toBe('succeeded');
    expect((await pool.usage())[0]).toMatchObject({ coolReason: 'unauthorized' });

    const bad = setup(['AIzaRevokedKey-111', 'AIzaRevokedKey-222']).adapter;
    expect((await providerError(bad.submit(t2i, 'gen-12'))).kind).toBe('unavailable');
    expect((await providerError(bad.submit(t2i, 'gen-13'))).kind).toBe('unavailable');
    expect(fake.calls().filter((call) => call.status === 400)).toHaveLength(3);
  });

  describe('answers without an image', () => {
    it.each([
      ['a prompt blocked by the safety filters', 'safety_block', /the prompt was blocked \(SAFETY\)/],
      ['an image stopped by the safety filters', 'image_safety', /generation stopped \(IMAGE_SAFETY\)/],
    ] as const)('fail the generation on %s, without trying the other runs', async (_label, kind, reason) => {
      const { adapter } = setup(fake.apiKeys);
      fake.failNext(kind);

      const { status } = await adapter.submit({ ...t2i, options: { count: 3 } }, 'gen-s');

      expect(status).toEqual({ state: 'failed', reason: expect.stringMatching(reason) });
      expect(fake.calls()).toHaveLength(1);
    });

    it('keep the images already made when a later run is blocked', async () => {
      const { adapter } = setup(fake.apiKeys);
      fake.failNext('image_safety', { key: fake.apiKeys[1] });

      const { status } = await adapter.submit({ ...t2i, options: { count: 3 } }, 'gen-p');

      expect(status.state).toBe('succeeded');
      expect(outputsOf(status)).toHaveLength(1);
    });
  });

  describe('error mapping', () => {
    it.each([
      ['400 INVALID_ARGUMENT', 'rejected', 'rejected'],
      ['500 INTERNAL', 'transient', 'http500'],
    ] as const)('maps %s to %s, trying no other key', async (_label, kind, failure) => {
      const { adapter } = setup(fake.apiKeys);
      fake.failNext(failure);

      expect((await providerError(adapter.submit(t2i, 'gen-e'))).kind).toBe(kind);
      expect(fake.calls()).toHaveLength(1);
    });

    it('maps a billing or region precondition to unavailable', async () => {
      const { adapter } = setup(fake.apiKeys);
      fake.failNext({ status: 400, error: { code: 400, status: 'FAILED_PRECONDITION', message: 'User location is not supported for the API use.' } });

      expect((await providerError(adapter.submit(t2i, 'gen-f'))).kind).toBe('unavailable');
    });

    it('maps a refused connection to transient', async () => {
      const closed = await FakeGemini.start();
      await closed.close();
      const config = AppConfig.load({ GEMINI_API_KEYS: 'k', GEMINI_BASE_URL: closed.baseUrl }, { readDotenv: false, source: {} });
      const prefix = `test:gemini-adapter:${randomUUID()}`;
      prefixes.push(prefix);
      const offline = new GeminiAdapter(config, new GeminiKeyPool(config, redis, { prefix }));

      expect((await providerError(offline.submit(t2i, 'gen-n'))).kind).toBe('transient');
    });

    it('refuses work without keys, and bad input, before any call', async () => {
      expect((await providerError(setup([]).adapter.submit(t2i, 'gen-u'))).kind).toBe('unavailable');
      expect((await providerError(setup(fake.apiKeys).adapter.submit({ ...t2i, mode: 'i2i' }, 'gen-b'))).kind).toBe('rejected');
      expect((await providerError(setup(fake.apiKeys).adapter.submit({ ...t2i, providerModel: '../files' }, 'gen-m'))).kind).toBe('rejected');
      expect(fake.calls()).toHaveLength(0);
    });
  });

  it('has nothing to poll', async () => {
    expect(await setup(fake.apiKeys).adapter.poll('x', t2i.providerModel)).toMatchObject({ state: 'failed' });
  });
});
