import { AppConfig } from '@genbot/core';
import { FakeElevenLabs, FakeGemini } from '@genbot/testing';
import { AudioClip, SpeechToText, SpeechToTextError } from '../application/ports/speech-to-text';
import { ELEVENLABS_STT_MODEL, ElevenLabsSpeechAdapter } from './elevenlabs-speech.adapter';
import { GEMINI_STT_MODEL, GEMINI_TRANSCRIBE_INSTRUCTION, GeminiSpeechAdapter } from './gemini-speech.adapter';
import { pickSpeechToText } from './no-speech-to-text';

/** OGG's capture pattern and a few bytes: the fakes check the type and that bytes came, not the codec. */
const voice: AudioClip = { data: Buffer.concat([Buffer.from('OggS'), Buffer.alloc(60, 7)]), contentType: 'audio/ogg', filename: 'voice.ogg' };

describe('speech to text against the provider protocol fakes', () => {
  let elevenlabs: FakeElevenLabs;
  let gemini: FakeGemini;
  const config = (env: Record<string, string>) => AppConfig.load(env, { readDotenv: false, source: {} });
  const failure = async (promise: Promise<unknown>): Promise<SpeechToTextError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SpeechToTextError);
    return error as SpeechToTextError;
  };

  beforeAll(async () => {
    elevenlabs = await FakeElevenLabs.start();
    gemini = await FakeGemini.start();
  });
  beforeEach(() => {
    elevenlabs.reset();
    gemini.reset();
  });
  afterAll(async () => {
    await elevenlabs.close();
    await gemini.close();
  });

  describe('ElevenLabs', () => {
    const adapter = () => new ElevenLabsSpeechAdapter(config({ ELEVENLABS_API_KEY: elevenlabs.apiKey, ELEVENLABS_BASE_URL: elevenlabs.baseUrl }));

    it('sends the clip as multipart `file` with model_id and the key header, and answers the text and detected language', async () => {
      elevenlabs.speech.hear('  Нарисуй кота в шляпе ');
      elevenlabs.speech.languageCode = 'rus';

      const transcript = await adapter().transcribe(voice);

      expect(transcript).toEqual({ text: 'Нарисуй кота в шляпе', languageCode: 'rus', provider: 'elevenlabs' });
      const [call] = elevenlabs.calls('stt');
      expect(call).toMatchObject({
        method: 'POST',
        path: '/v1/speech-to-text',
        apiKey: elevenlabs.apiKey,
        status: 200,
        fields: { model_id: ELEVENLABS_STT_MODEL },
      });
      expect(call.file).toEqual({ filename: 'voice.ogg', contentType: 'audio/ogg', data: voice.data });
    });

    it('answers an empty text for a clip without speech', async () => {
      elevenlabs.speech.hear('');
      expect((await adapter().transcribe(voice)).text).toBe('');
    });

    it('reads provider errors: a 5xx is transient, a 429 a wait, a refused clip rejected, a bad key unavailable', async () => {
      elevenlabs.failNext('http500', { on: 'stt' });
      expect((await failure(adapter().transcribe(voice))).kind).toBe('transient');
      elevenlabs.failNext('http429', { on: 'stt' });
      expect((await failure(adapter().transcribe(voice))).kind).toBe('rate_limited');
      const refused = await failure(adapter().transcribe({ ...voice, contentType: 'text/plain' }));
      expect(refused.kind).toBe('rejected');
      expect(refused.message).toContain('not a valid audio');
      const badKey = new ElevenLabsSpeechAdapter(config({ ELEVENLABS_API_KEY: 'sk_wrong', ELEVENLABS_BASE_URL: elevenlabs.baseUrl }));
      expect((await failure(badKey.transcribe(voice))).kind).toBe('unavailable');
    });

    it('reports not_configured without a key, calling nothing', async () => {
      const bare = new ElevenLabsSpeechAdapter(config({ ELEVENLABS_BASE_URL: elevenlabs.baseUrl }));
      expect(bare.isConfigured()).toBe(false);
      expect((await failure(bare.transcribe(voice))).kind).toBe('not_configured');
      expect(elevenlabs.calls()).toEqual([]);
    });
  });

  describe('Gemini', () => {
    const adapter = (keys = gemini.apiKeysCsv) => new GeminiSpeechAdapter(config({ GEMINI_API_KEYS: keys, GEMINI_BASE_URL: gemini.baseUrl }));

    it('sends the instruction and the clip inline to a text model, and answers the text', async () => {
      gemini.speech.hear('Balansim qancha');

      const transcript = await adapter().transcribe(voice);

      expect(transcript).toEqual({ text: 'Balansim qancha', provider: 'gemini' });
      const call = gemini.lastCall()!;
      expect(call).toMatchObject({ model: GEMINI_STT_MODEL, keyVia: 'header', status: 200 });
      expect((call.body as { contents: { parts: unknown[] }[] }).contents[0].parts).toEqual([
        { text: GEMINI_TRANSCRIBE_INSTRUCTION },
        { inline_data: { mime_type: 'audio/ogg', data: voice.data.toString('base64') } },
      ]);
    });

    it('answers an empty text for a clip without speech', async () => {
      gemini.speech.hear('');
      expect((await adapter().transcribe(voice)).text).toBe('');
    });

    it('passes a rate-limited key over to the next, and reads other errors', async () => {
      gemini.failNext('http429', { key: gemini.apiKeys[0] });
      gemini.failNext('http429', { key: gemini.apiKeys[1] });
      expect((await failure(adapter().transcribe(voice))).kind).toBe('rate_limited');

      const rotating = adapter();
      gemini.failNext('http429', { key: gemini.apiKeys[0] });
      gemini.speech.hear('help');
      expect((await rotating.transcribe(voice)).text).toBe('help');

      gemini.failNext('http500');
      expect((await failure(adapter().transcribe(voice))).kind).toBe('transient');
      expect((await failure(adapter().transcribe({ ...voice, contentType: 'audio/x-unknown' }))).kind).toBe('rejected');
      expect((await failure(adapter('AIzaNotAKey').transcribe(voice))).kind).toBe('unavailable');
    });
  });

  it('picks ElevenLabs when it has a key, else Gemini, else reports not configured', async () => {
    const pick = (env: Record<string, string>): SpeechToText => {
      const c = config(env);
      return pickSpeechToText([new ElevenLabsSpeechAdapter(c), new GeminiSpeechAdapter(c)]);
    };
    expect(pick({ ELEVENLABS_API_KEY: 'k', GEMINI_API_KEYS: 'g' }).name).toBe('elevenlabs');
    expect(pick({ GEMINI_API_KEYS: 'g' }).name).toBe('gemini');
    const none = pick({});
    expect(none.isConfigured()).toBe(false);
    expect((await failure(none.transcribe(voice))).kind).toBe('not_configured');
  });
});
