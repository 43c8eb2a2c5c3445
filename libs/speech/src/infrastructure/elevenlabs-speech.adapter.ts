import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import { AudioClip, SpeechToText, SpeechToTextError, Transcript } from '../application/ports/speech-to-text';
import { errorFor, post } from './speech-http';

/** Scribe v1: ElevenLabs' speech-to-text model, Uzbek and Russian among its languages. */
export const ELEVENLABS_STT_MODEL = 'scribe_v1';
/** A voice command is seconds long; Scribe answers in about the clip's length. */
const TIMEOUT_MS = 60_000;

/**
 * ElevenLabs speech to text: `POST /v1/speech-to-text`, multipart with the clip as `file` and
 * `model_id`, the key in `xi-api-key`; the answer carries `text` and the `language_code` it
 * detected. The language is left to its detection: a user's interface language is no promise of
 * the language they speak in.
 */
@Injectable()
export class ElevenLabsSpeechAdapter extends SpeechToText {
  readonly name = 'elevenlabs';

  constructor(private readonly config: AppConfig) {
    super();
  }

  isConfigured(): boolean {
    return Boolean(this.config.env.ELEVENLABS_API_KEY);
  }

  async transcribe(audio: AudioClip): Promise<Transcript> {
    const key = this.config.env.ELEVENLABS_API_KEY;
    if (!key) throw new SpeechToTextError('not_configured', 'elevenlabs: ELEVENLABS_API_KEY is not set');
    const form = new FormData();
    form.append('model_id', ELEVENLABS_STT_MODEL);
    form.append('file', new Blob([audio.data], { type: audio.contentType }), audio.filename ?? 'voice.ogg');
    const what = 'elevenlabs: POST /v1/speech-to-text';
    const answer = await post(`${this.config.env.ELEVENLABS_BASE_URL.replace(/\/+$/, '')}/v1/speech-to-text`, {
      headers: { 'xi-api-key': key, accept: 'application/json' },
      body: form,
      timeoutMs: TIMEOUT_MS,
      what,
    });
    if (answer.status !== 200) throw errorFor(answer.status, `${what}: ${answer.status}: ${detailOf(answer.json) ?? answer.text.slice(0, 200)}`);
    const text = answer.json?.text;
    if (typeof text !== 'string') throw new SpeechToTextError('transient', `${what}: the answer has no text`);
    const languageCode = answer.json?.language_code;
    return { text: text.trim(), provider: this.name, ...(typeof languageCode === 'string' && languageCode ? { languageCode } : {}) };
  }
}

/** ElevenLabs errors say `{ detail: { message } }`, or a list of validation problems. */
function detailOf(json: Record<string, unknown> | undefined): string | undefined {
  const detail = json?.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map((problem) => String((problem as { msg?: unknown }).msg ?? '')).join('; ');
  const message = (detail as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}
