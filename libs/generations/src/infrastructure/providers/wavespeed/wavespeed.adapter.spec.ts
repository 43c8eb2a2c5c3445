import { AppConfig } from '@genbot/core';
// libs/testing's index does not export the provider fakes yet; reach the folder directly.
import { FakeWavespeed } from '@genbot/testing';
import { ProviderError, ProviderInput } from '../../../application/ports/generation-provider';
import { WavespeedAdapter } from './wavespeed.adapter';

describe('WavespeedAdapter against the Wavespeed protocol fake', () => {
  let fake: FakeWavespeed;
  let adapter: WavespeedAdapter;

  const configFor = (env: Record<string, string | undefined>) => AppConfig.load(env, { readDotenv: false, source: {} });
  const adapterFor = (env: Record<string, string | undefined>) => new WavespeedAdapter(configFor(env));
  const t2i: ProviderInput = { providerModel: 'wavespeed-ai/flux-dev', mode: 't2i', prompt: 'a red fox', options: { size: '1024*1024', output_format: 'png' } };

  const providerError = async (promise: Promise<unknown>): Promise<ProviderError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  };

  beforeAll(async () => {
    fake = await FakeWavespeed.start();
  });
  beforeEach(() => {
    fake.reset();
    adapter = adapterFor({ WAVESPEED_API_KEY: fake.apiKey, WAVESPEED_BASE_URL: fake.baseUrl });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => fake.close());

  it('is named wavespeed and configured only with a key', () => {
    expect(adapter.name).toBe('wavespeed');
    expect(adapter.isConfigured()).toBe(true);
    expect(adapterFor({ WAVESPEED_BASE_URL: fake.baseUrl }).isConfigured()).toBe(false);
  });

  it('submits, polls while processing, then returns the output URLs, whose bytes are a real PNG', async () => {
    fake.completeAfterPolls(2);

    const submitted = await adapter.submit(t2i, 'gen-1');
    const first = await adapter.poll(submitted.externalId, t2i.providerModel);
    const second = await adapter.poll(submitted.externalId, t2i.providerModel);

    expect(submitted.status).toEqual({ state: 'running' });
    expect(first).toEqual({ state: 'running' });
    expect(second).toEqual({ state: 'succeeded', outputs: [{ url: `${fake.baseUrl}/outputs/${submitted.externalId}.png`, contentType: 'image/png' }] });
    expect(fake.calls('poll').map((call) => call.path)).toEqual([
      `/api/v3/predictions/${submitted.externalId}/result`,
      `/api/v3/predictions/${submitted.externalId}/result`,
    ]);
    const download = await fetch((second as { outputs: { url: string }[] }).outputs[0].url);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('sends the Bearer key and the catalog options to the model path', async () => {
    await adapter.submit(t2i, 'gen-2');

    expect(fake.lastSubmit()).toMatchObject({
      method: 'POST',
      path: '/api/v3/wavespeed-ai/flux-dev',
      authorization: `Bearer ${fake.apiKey}`,
      body: { prompt: 'a red fox', size: '1024*1024', output_format: 'png' },
    });
  });

  it('sends edit references as `images` and a single-image tool input as `image`', async () => {
    const urls = ['https://files.example/a.jpg', 'https://files.example/b.jpg'];
    await adapter.submit({ providerModel: 'bytedance/seedream-v4/edit', mode: 'i2i', prompt: 'add a hat', imageUrls: urls, options: {} }, 'gen-3');
    await adapter.submit(
      { providerModel: 'wavespeed-ai/image-upscaler', mode: 'tool', imageUrls: urls.slice(0, 1), options: { target_resolution: '4k' } },
      'gen-4',
    );

    const [edit, tool] = fake.calls('submit');
    expect(edit).toMatchObject({ path: '/api/v3/bytedance/seedream-v4/edit', body: { prompt: 'add a hat', images: urls } });
    expect(tool.body).toEqual({ image: urls[0], target_resolution: '4k' });
  });

  it('reports a failed prediction with its error text', async () => {
    fake.failNext('job_failed');

    const { externalId } = await adapter.submit(t2i, 'gen-5');

    expect(await adapter.poll(externalId, t2i.providerModel)).toEqual({ state: 'failed', reason: 'The task execution failed.' });
  });

  describe('error mapping', () => {
    it.each([
      ['401 (wrong key)', 'unavailable', () => undefined, 'wrong-key'],
      ['403', 'unavailable', () => fake.failNext({ status: 403, message: 'Forbidden' }), undefined],
      ['400', 'rejected', () => fake.failNext('rejected'), undefined],
      ['422', 'rejected', () => fake.failNext({ status: 422, message: 'Unprocessable' }), undefined],
      ['402', 'insufficient_balance', () => fake.failNext('insufficient_balance'), undefined],
      ['an insufficient-balance message on a 400', 'insufficient_balance', () => fake.failNext({ status: 400, message: 'Insufficient credits' }), undefined],
      ['an empty account', 'insufficient_balance', () => fake.setBalance(0), undefined],
      ['500', 'transient', () => fake.failNext('http500'), undefined],
      ['503', 'transient', () => fake.failNext({ status: 503, message: 'Service unavailable' }), undefined],
    ])('maps %s on submit to %s', async (_label, kind, arrange, key) => {
      arrange();
      const subject = key ? adapterFor({ WAVESPEED_API_KEY: key, WAVESPEED_BASE_URL: fake.baseUrl }) : adapter;

      expect((await providerError(subject.submit(t2i, 'gen-e'))).kind).toBe(kind);
    });

    it('maps 429 to rate_limited, waiting Retry-After seconds or 10 s without the header', async () => {
      fake.failNext('http429');
      fake.failNext({ status: 429, message: 'slow down' });

      const withHeader = await providerError(adapter.submit(t2i, 'gen-r1'));
      const withoutHeader = await providerError(adapter.submit(t2i, 'gen-r2'));

      expect(withHeader).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 7 });
      expect(withoutHeader).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 10 });
    });

    it('maps a 5xx while polling to transient, and the next poll still works', async () => {
      const { externalId } = await adapter.submit(t2i, 'gen-p');
      fake.failNext('http500', { on: 'poll' });

      expect((await providerError(adapter.poll(externalId, t2i.providerModel))).kind).toBe('transient');
      expect(await adapter.poll(externalId, t2i.providerModel)).toMatchObject({ state: 'succeeded' });
    });

    it('maps a poll of a prediction the provider no longer knows to lost, so the worker submits again', async () => {
      const { externalId } = await adapter.submit(t2i, 'gen-l');
      expect(fake.forget()).toBe(1);
      const error = await providerError(adapter.poll(externalId, t2i.providerModel));
      expect(error.kind).toBe('lost');
      expect(error.message).toMatch(/404/);
    });

    it('maps a refused connection to transient', async () => {
      const closed = await FakeWavespeed.start();
      await closed.close();
      const offline = adapterFor({ WAVESPEED_API_KEY: 'k', WAVESPEED_BASE_URL: closed.baseUrl });

      expect((await providerError(offline.submit(t2i, 'gen-n'))).kind).toBe('transient');
    });

    it('refuses work without a key, before any call', async () => {
      const unconfigured = adapterFor({ WAVESPEED_BASE_URL: fake.baseUrl });

      expect((await providerError(unconfigured.submit(t2i, 'gen-u'))).kind).toBe('unavailable');
      expect(fake.calls()).toHaveLength(0);
    });
  });

  describe('hasBalance', () => {
    it('is true above the threshold and false at a few cents', async () => {
      fake.setBalance(12.5);
      expect(await adapter.hasBalance()).toBe(true);

      fake.setBalance(0.01);
      expect(await adapterFor({ WAVESPEED_API_KEY: fake.apiKey, WAVESPEED_BASE_URL: fake.baseUrl }).hasBalance()).toBe(false);
      expect(fake.calls('balance')[0]).toMatchObject({ path: '/api/v3/balance', authorization: `Bearer ${fake.apiKey}` });
    });

    it('caches the answer for 60 seconds', async () => {
      const start = Date.now();
      const now = jest.spyOn(Date, 'now').mockReturnValue(start);
      expect(await adapter.hasBalance()).toBe(true);

      fake.setBalance(0);
      now.mockReturnValue(start + 59_000);
      expect(await adapter.hasBalance()).toBe(true);
      expect(fake.calls('balance')).toHaveLength(1);

      now.mockReturnValue(start + 61_000);
      expect(await adapter.hasBalance()).toBe(false);
      expect(fake.calls('balance')).toHaveLength(2);
    });
  });
});
