import { AppConfig } from '@genbot/core';
// libs/testing's index does not export the provider fakes yet; reach the folder directly.
import { FakeElevenLabs } from '@genbot/testing';
import { ProviderError, ProviderInput } from '../../../application/ports/generation-provider';
import { ElevenLabsAdapter } from './elevenlabs.adapter';

describe('ElevenLabsAdapter against the ElevenLabs protocol fake', () => {
  let fake: FakeElevenLabs;
  let adapter: ElevenLabsAdapter;

  const adapterFor = (env: Record<string, string | undefined>) => new ElevenLabsAdapter(AppConfig.load(env, { readDotenv: false, source: {} }));
  const tts = (options: ProviderInput['options'] = {}, prompt = 'Привет! Hello there.'): ProviderInput => ({
    providerModel: 'eleven_multilingual_v2',
    mode: 'tts',
    prompt,
    options: { voice_id: '21m00Tcm4TlvDq8ikWAM', ...options },
  });
  const providerError = async (promise: Promise<unknown>): Promise<ProviderError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  };

  beforeAll(async () => {
    fake = await FakeElevenLabs.start();
  });
  beforeEach(() => {
    fake.reset();
    adapter = adapterFor({ ELEVENLABS_API_KEY: fake.apiKey, ELEVENLABS_BASE_URL: fake.baseUrl });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => fake.close());

  it('is named elevenlabs and configured only with a key', () => {
    expect(adapter.name).toBe('elevenlabs');
    expect(adapter.isConfigured()).toBe(true);
    expect(adapterFor({ ELEVENLABS_BASE_URL: fake.baseUrl }).isConfigured()).toBe(false);
  });

  it('speaks inside submit: the MP3 bytes come back as the one output', async () => {
    const { externalId, status } = await adapter.submit(tts(), 'gen-1');

    expect(externalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(status).toMatchObject({ state: 'succeeded', outputs: [{ contentType: 'audio/mpeg' }] });
    const audio = (status as { outputs: { data: Buffer }[] }).outputs[0].data;
    // An MPEG-1 Layer III frame header: sync, 128 kbps at 44.1 kHz, and the next frame right after.
    expect([...audio.subarray(0, 3)]).toEqual([0xff, 0xfb, 0x90]);
    expect([...audio.subarray(417, 419)]).toEqual([0xff, 0xfb]);
  });

  it('sends the key header, the voice in the path, the format in the query and the text and model in the body', async () => {
    await adapter.submit(tts(), 'gen-2');

    expect(fake.lastTts()).toMatchObject({
      method: 'POST',
      path: '/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM',
      query: { output_format: 'mp3_44100_128' },
      apiKey: fake.apiKey,
      body: { text: 'Привет! Hello there.', model_id: 'eleven_multilingual_v2' },
    });
    expect(fake.lastTts()?.body).not.toHaveProperty('voice_settings');
  });

  it('gathers tuning options into voice_settings and honours model_id and output_format options', async () => {
    const { status } = await adapter.submit(
      tts({
        model_id: 'eleven_flash_v2_5',
        stability: 0.4,
        similarity_boost: 0.8,
        use_speaker_boost: true,
        output_format: 'mp3_22050_32',
        language_code: 'ru',
      }),
      'gen-3',
    );

    expect(fake.lastTts()).toMatchObject({
      query: { output_format: 'mp3_22050_32' },
      body: { model_id: 'eleven_flash_v2_5', voice_settings: { stability: 0.4, similarity_boost: 0.8, use_speaker_boost: true }, language_code: 'ru' },
    });
    expect([...(status as { outputs: { data: Buffer }[] }).outputs[0].data.subarray(0, 2)]).toEqual([0xff, 0xf3]); // MPEG-2 at 22.05 kHz
  });

  it('falls back to eleven_multilingual_v2 when the catalog names no ElevenLabs model', async () => {
    await adapter.submit({ ...tts(), providerModel: 'elevenlabs/tts' }, 'gen-4');

    expect(fake.lastTts()?.body).toMatchObject({ model_id: 'eleven_multilingual_v2' });
  });

  it('has nothing to poll', async () => {
    expect(await adapter.poll('some-id', 'eleven_multilingual_v2')).toMatchObject({ state: 'failed' });
  });

  describe('refuses bad input before any call', () => {
    it.each([
      ['no voice_id', { ...tts(), options: {} }],
      ['a blank voice_id', tts({ voice_id: '  ' })],
      ['no text', tts({}, '   ')],
      ['another mode', { ...tts(), mode: 't2i' as const }],
    ])('%s is rejected', async (_label, input) => {
      expect((await providerError(adapter.submit(input, 'gen-bad'))).kind).toBe('rejected');
      expect(fake.calls()).toHaveLength(0);
    });

    it('no key is unavailable', async () => {
      const unconfigured = adapterFor({ ELEVENLABS_BASE_URL: fake.baseUrl });

      expect((await providerError(unconfigured.submit(tts(), 'gen-u'))).kind).toBe('unavailable');
      expect(fake.calls()).toHaveLength(0);
    });
  });

  describe('error mapping', () => {
    const VOICE = '21m00Tcm4TlvDq8ikWAM';
    it.each<[string, string, () => void, string | undefined, string]>([
      ['401 invalid_api_key', 'unavailable', () => undefined, 'sk_wrong', VOICE],
      ['401 quota_exceeded', 'insufficient_balance', () => fake.failNext('quota'), undefined, VOICE],
      [
        '402',
        'insufficient_balance',
        () => fake.failNext({ status: 402, detail: { code: 'payment_required', message: 'Payment required' } }),
        undefined,
        VOICE,
      ],
      [
        '403',
        'unavailable',
        () => fake.failNext({ status: 403, detail: { status: 'missing_permissions', message: 'The API key lacks text_to_speech' } }),
        undefined,
        VOICE,
      ],
      ['422 validation list', 'rejected', () => fake.failNext('rejected'), undefined, VOICE],
      ['400 from an unknown voice', 'rejected', () => undefined, undefined, 'no-such-voice'],
      ['500', 'transient', () => fake.failNext('http500'), undefined, VOICE],
      ['503', 'transient', () => fake.failNext({ status: 503, detail: 'Service Unavailable' }), undefined, VOICE],
    ])('maps %s to %s', async (_label, kind, arrange, key, voice) => {
      arrange();
      const subject = key ? adapterFor({ ELEVENLABS_API_KEY: key, ELEVENLABS_BASE_URL: fake.baseUrl }) : adapter;

      const error = await providerError(subject.submit(tts({ voice_id: voice }), 'gen-e'));
      expect(error.kind).toBe(kind);
      expect(error.message).toMatch(/^elevenlabs: POST \/v1\/text-to-speech\/[\w-]+ answered \d{3}/);
    });

    it('keeps ElevenLabs message and code in the error', async () => {
      fake.failNext('quota');

      expect((await providerError(adapter.submit(tts(), 'gen-q'))).message).toContain('quota_exceeded: This request exceeds your quota');
    });

    it('maps 429 to rate_limited, waiting Retry-After seconds or 5 s without the header', async () => {
      fake.failNext('http429');
      fake.failNext({ status: 429, detail: { code: 'rate_limit_exceeded', message: 'slow down' } });

      expect(await providerError(adapter.submit(tts(), 'gen-r1'))).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 3 });
      expect(await providerError(adapter.submit(tts(), 'gen-r2'))).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 5 });
    });

    it('maps a refused connection to transient', async () => {
      const closed = await FakeElevenLabs.start();
      await closed.close();
      const offline = adapterFor({ ELEVENLABS_API_KEY: 'k', ELEVENLABS_BASE_URL: closed.baseUrl });

      expect((await providerError(offline.submit(tts(), 'gen-n'))).kind).toBe('transient');
    });
  });

  describe('listVoices', () => {
    it('lists the voices with their labels and preview URLs, sending the key', async () => {
      const voices = await adapter.listVoices();

      expect(voices).toHaveLength(fake.voices.length);
      expect(voices[0]).toEqual({
        voiceId: '21m00Tcm4TlvDq8ikWAM',
        name: 'Rachel',
        category: 'premade',
        labels: { accent: 'american', gender: 'female', age: 'young' },
        previewUrl: `${fake.baseUrl}/previews/21m00Tcm4TlvDq8ikWAM.mp3`,
      });
      expect(fake.calls('voices')).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/voices', apiKey: fake.apiKey, status: 200 })]);
      const preview = await fetch(voices[0].previewUrl!);
      expect(preview.headers.get('content-type')).toBe('audio/mpeg');
    });

    it('keeps the list for 10 minutes, and one request serves concurrent callers', async () => {
      const start = Date.now();
      const now = jest.spyOn(Date, 'now').mockReturnValue(start);
      await Promise.all([adapter.listVoices(), adapter.listVoices(), adapter.listVoices()]);
      now.mockReturnValue(start + 9 * 60_000);
      await adapter.listVoices();
      expect(fake.calls('voices')).toHaveLength(1);

      now.mockReturnValue(start + 10 * 60_000 + 1);
      await adapter.listVoices();
      expect(fake.calls('voices')).toHaveLength(2);
    });

    it('does not keep a failure', async () => {
      fake.failNext('http500', { on: 'voices' });

      expect((await providerError(adapter.listVoices())).kind).toBe('transient');
      expect(await adapter.listVoices()).toHaveLength(fake.voices.length);
    });
  });
});
