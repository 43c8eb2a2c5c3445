import { Injectable } from '@nestjs/common';
import { AppConfig } from '@genbot/core';
import { AudioClip, SpeechToText, SpeechToTextError, Transcript } from '../application/ports/speech-to-text';
import { errorFor, Json, post } from './speech-http';

/** A text model that understands audio; image models do not. */
export const GEMINI_STT_MODEL = 'gemini-2.5-flash';
/** Told to the model with the clip. It answers in words, so it is told to add none of its own. */
export const GEMINI_TRANSCRIBE_INSTRUCTION =
  'Transcribe this voice message word for word, in the language it is spoken in (Uzbek, Russian or English). ' +
  'Answer with the transcript only: no translation, no comments, no quotes. If there is no speech, answer with an empty text.';
/** Inline data is capped at 20 MB per request; a voice command is far below it. */
const MAX_INLINE_BYTES = 14 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

/**
 * Gemini audio understanding: `POST /v1beta/models/{model}:generateContent` with the instruction
 * and the clip as `inline_data`; the transcript is the text of the first candidate. Keys from
 * GEMINI_API_KEYS are tried in turn from a rotating start, so voice spreads over them; a key that
 * answers 429, 401 or 403 passes the clip to the next.
 */
@Injectable()
export class GeminiSpeechAdapter extends SpeechToText {
  readonly name = 'gemini';
  private next = 0;

  constructor(private readonly config: AppConfig) {
    super();
  }

  isConfigured(): boolean {
    return this.config.env.GEMINI_API_KEYS.length > 0;
  }

  async transcribe(audio: AudioClip): Promise<Transcript> {
    const keys = this.config.env.GEMINI_API_KEYS;
    if (keys.length === 0) throw new SpeechToTextError('not_configured', 'gemini: GEMINI_API_KEYS is empty');
    if (audio.data.length > MAX_INLINE_BYTES) throw new SpeechToTextError('rejected', 'gemini: the clip is larger than a request may carry');
    const body = {
      contents: [
        {
          role: 'user',
          parts: [{ text: GEMINI_TRANSCRIBE_INSTRUCTION }, { inline_data: { mime_type: audio.contentType, data: audio.data.toString('base64') } }],
        },
      ],
      generationConfig: { responseModalities: ['TEXT'], temperature: 0 },
    };
    const start = this.next++ % keys.length;
    let last: SpeechToTextError | undefined;
    for (let i = 0; i < keys.length; i++) {
      const answer = await this.generate(keys[(start + i) % keys.length], body);
      if (answer instanceof SpeechToTextError) {
        if (answer.kind !== 'rate_limited' && answer.kind !== 'unavailable') throw answer;
        last = answer;
        continue;
      }
      return { text: transcriptOf(answer), provider: this.name };
    }
    throw last ?? new SpeechToTextError('unavailable', 'gemini: no key could be used');
  }

  private async generate(key: string, body: Json): Promise<Json | SpeechToTextError> {
    const path = `/v1beta/models/${GEMINI_STT_MODEL}:generateContent`;
    const what = `gemini: POST ${path}`;
    const answer = await post(`${this.config.env.GEMINI_BASE_URL.replace(/\/+$/, '')}${path}`, {
      headers: { 'x-goog-api-key': key, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: TIMEOUT_MS,
      what,
    });
    if (answer.status === 200 && answer.json) return answer.json;
    if (answer.status === 200) return new SpeechToTextError('transient', `${what}: answered 200 with a body that is not JSON`);
    const error = (answer.json?.error ?? {}) as Json;
    const message = `${what}: ${answer.status}: ${typeof error.message === 'string' ? error.message : answer.text.slice(0, 200)}`;
    // Google answers a key it does not know with 400 API_KEY_INVALID: that key's fault, not the clip's.
    if (/api key not valid/i.test(message)) return new SpeechToTextError('unavailable', message);
    return errorFor(answer.status, message);
  }
}

/** The words of the answer; none when the prompt was blocked or the model heard nothing. */
function transcriptOf(response: Json): string {
  const candidates = Array.isArray(response.candidates) ? (response.candidates as Json[]) : [];
  if (candidates.length === 0) {
    const blocked = (response.promptFeedback as Json | undefined)?.blockReason;
    if (blocked) throw new SpeechToTextError('rejected', `gemini: the clip was blocked (${String(blocked)})`);
    return '';
  }
  const parts = ((candidates[0].content as Json | undefined)?.parts ?? []) as Json[];
  return (Array.isArray(parts) ? parts : [])
    .filter((part) => part.thought !== true && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join(' ')
    .trim();
}
