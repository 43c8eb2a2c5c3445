import { AppConfig } from '@genbot/core';
// libs/testing's index does not export the provider fakes yet; reach the folder directly.
import { FakeFal } from '@genbot/testing';
import { ProviderError, ProviderInput } from '../../../application/ports/generation-provider';
import { FalAdapter } from './fal.adapter';

describe('FalAdapter against the fal queue protocol fake', () => {
  let fake: FakeFal;
  let adapter: FalAdapter;

  const adapterFor = (env: Record<string, string | undefined>) => new FalAdapter(AppConfig.load(env, { readDotenv: false, source: {} }));
  const t2i: ProviderInput = { providerModel: 'fal-ai/flux/dev', mode: 't2i', prompt: 'a red fox', options: { image_size: 'square_hd', num_images: 1 } };

  const providerError = async (promise: Promise<unknown>): Promise<ProviderError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  };

  beforeAll(async () => {
    fake = await FakeFal.start();
  });
  beforeEach(() => {
    fake.reset();
    adapter = adapterFor({ FAL_KEY: fake.apiKey, FAL_BASE_URL: fake.baseUrl });
  });
  afterAll(() => fake.close());

  it('is named fal and configured only with a key', () => {
    expect(adapter.name).toBe('fal');
    expect(adapter.isConfigured()).toBe(true);
    expect(adapterFor({ FAL_BASE_URL: fake.baseUrl }).isConfigured()).toBe(false);
  });

  it('submits to the endpoint path, polls the app id while queued and in progress, then returns the images', async () => {
    fake.completeAfterPolls(3);

    const submitted = await adapter.submit(t2i, 'gen-1');
    const queued = await adapter.poll(submitted.externalId, t2i.providerModel);
    const inProgress = await adapter.poll(submitted.externalId, t2i.providerModel);
    const done = await adapter.poll(submitted.externalId, t2i.providerModel);

    expect(submitted.status).toEqual({ state: 'running' });
    expect([queued, inProgress]).toEqual([{ state: 'running' }, { state: 'running' }]);
    expect(done).toEqual({ state: 'succeeded', outputs: [{ url: `${fake.baseUrl}/outputs/${submitted.externalId}.png`, contentType: 'image/png' }] });
    expect(fake.calls().map((call) => `${call.method} ${call.path} ${call.status}`)).toEqual([
      'POST /fal-ai/flux/dev 200',
      `GET /fal-ai/flux/requests/${submitted.externalId}/status 202`,
      `GET /fal-ai/flux/requests/${submitted.externalId}/status 202`,
      `GET /fal-ai/flux/requests/${submitted.externalId}/status 200`,
      `GET /fal-ai/flux/requests/${submitted.externalId} 200`,
    ]);
    const download = await fetch(`${fake.baseUrl}/outputs/${submitted.externalId}.png`);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(fake.png);
  });

  it('sends `Authorization: Key` and the catalog options', async () => {
    await adapter.submit(t2i, 'gen-2');

    expect(fake.lastSubmit()).toMatchObject({
      authorization: `Key ${fake.apiKey}`,
      body: { prompt: 'a red fox', image_size: 'square_hd', num_images: 1 },
    });
  });

  it('sends edit references as `image_urls` and a single-image input as `image_url`', async () => {
    const urls = ['https://files.example/a.jpg', 'https://files.example/b.jpg'];
    await adapter.submit({ providerModel: 'fal-ai/nano-banana/edit', mode: 'i2i', prompt: 'add a hat', imageUrls: urls, options: {} }, 'gen-3');
    await adapter.submit(
      {
        providerModel: 'fal-ai/kling-video/v2.1/standard/image-to-video',
        mode: 'i2v',
        prompt: 'wave',
        imageUrls: urls.slice(0, 1),
        options: { duration: '5' },
      },
      'gen-4',
    );

    const [edit, video] = fake.calls('submit');
    expect(edit).toMatchObject({ path: '/fal-ai/nano-banana/edit', body: { prompt: 'add a hat', image_urls: urls } });
    expect(video).toMatchObject({ path: '/fal-ai/kling-video/v2.1/standard/image-to-video', body: { prompt: 'wave', image_url: urls[0], duration: '5' } });
  });

  it.each([
    ['video', { url: 'mp4', contentType: 'video/mp4' }],
    ['audio', { url: 'mp3', contentType: 'audio/mpeg' }],
  ] as const)('reads a %s result', async (kind, expected) => {
    fake.setOutputKind(kind);
    const { externalId } = await adapter.submit({ ...t2i, providerModel: 'fal-ai/some-model' }, 'gen-5');

    expect(await adapter.poll(externalId, 'fal-ai/some-model')).toEqual({
      state: 'succeeded',
      outputs: [{ url: `${fake.baseUrl}/outputs/${externalId}.${expected.url}`, contentType: expected.contentType }],
    });
  });

  it('reports a request that completed with an error as failed, without fetching the result', async () => {
    fake.failNext('job_failed');

    const { externalId } = await adapter.submit(t2i, 'gen-6');

    expect(await adapter.poll(externalId, t2i.providerModel)).toEqual({ state: 'failed', reason: 'The content was flagged by a content checker.' });
    expect(fake.calls('result')).toHaveLength(0);
  });

  it('reports a model error returned by the result endpoint as failed', async () => {
    const { externalId } = await adapter.submit(t2i, 'gen-7');
    fake.failNext(
      { status: 422, detail: [{ loc: ['body', 'image_url'], msg: 'Could not download the image', type: 'file_download_error' }] },
      { on: 'result' },
    );

    expect(await adapter.poll(externalId, t2i.providerModel)).toEqual({ state: 'failed', reason: 'Could not download the image' });
  });

  describe('error mapping', () => {
    it.each([
      ['401 (wrong key)', 'unavailable', () => undefined, 'wrong:key'],
      ['403', 'unavailable', () => fake.failNext({ status: 403, detail: 'User is locked. Reason: Admin lock. Please contact support@fal.ai.' }), undefined],
      ['422', 'rejected', () => fake.failNext('rejected'), undefined],
      ['400', 'rejected', () => fake.failNext({ status: 400, detail: 'Bad request' }), undefined],
      ['403 "Exhausted balance"', 'insufficient_balance', () => fake.failNext('insufficient_balance'), undefined],
      ['402', 'insufficient_balance', () => fake.failNext({ status: 402, detail: 'Payment required' }), undefined],
      ['a locked (empty) account', 'insufficient_balance', () => fake.setBalance(0), undefined],
      ['500', 'transient', () => fake.failNext('http500'), undefined],
      ['504', 'transient', () => fake.failNext({ status: 504, detail: 'Request timed out' }), undefined],
    ])('maps %s on submit to %s', async (_label, kind, arrange, key) => {
      arrange();
      const subject = key ? adapterFor({ FAL_KEY: key, FAL_BASE_URL: fake.baseUrl }) : adapter;

      expect((await providerError(subject.submit(t2i, 'gen-e'))).kind).toBe(kind);
    });

    it('maps 429 to rate_limited, waiting Retry-After seconds or 10 s without the header', async () => {
      fake.failNext('http429');
      fake.failNext({ status: 429, detail: 'Too many requests', headers: { 'retry-after': '3' } });

      expect(await providerError(adapter.submit(t2i, 'gen-r1'))).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 10 });
      expect(await providerError(adapter.submit(t2i, 'gen-r2'))).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 3 });
    });

    it('maps a 5xx on status or result to transient, and the next poll still works', async () => {
      const { externalId } = await adapter.submit(t2i, 'gen-p');
      fake.failNext('http500', { on: 'status' });
      fake.failNext({ status: 503, detail: 'Service Unavailable' }, { on: 'result' });

      expect((await providerError(adapter.poll(externalId, t2i.providerModel))).kind).toBe('transient');
      expect((await providerError(adapter.poll(externalId, t2i.providerModel))).kind).toBe('transient');
      expect(await adapter.poll(externalId, t2i.providerModel)).toMatchObject({ state: 'succeeded' });
    });

    it('maps a refused connection to transient', async () => {
      const closed = await FakeFal.start();
      await closed.close();

      expect((await providerError(adapterFor({ FAL_KEY: 'k', FAL_BASE_URL: closed.baseUrl }).submit(t2i, 'gen-n'))).kind).toBe('transient');
    });

    it('refuses work without a key or with a model id that is not owner/app, before any call', async () => {
      expect((await providerError(adapterFor({ FAL_BASE_URL: fake.baseUrl }).submit(t2i, 'gen-u'))).kind).toBe('unavailable');
      expect((await providerError(adapter.submit({ ...t2i, providerModel: 'flux' }, 'gen-m'))).kind).toBe('rejected');
      expect(fake.calls()).toHaveLength(0);
    });
  });

  it('has no balance API to ask, so it says yes', async () => {
    expect(await adapter.hasBalance()).toBe(true);
  });
});
