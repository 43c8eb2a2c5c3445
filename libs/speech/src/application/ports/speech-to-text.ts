/**
 * The port a speech-to-text adapter implements (seed 004's voice commands): one short clip in,
 * its words out, synchronously. Adapters: ElevenLabs speech to text and Gemini audio
 * understanding; `NoSpeechToText` when neither has a key.
 */

/** A voice message as Telegram sends it: OGG/Opus bytes, capped by the caller. */
export interface AudioClip {
  data: Buffer;
  contentType: string;
  filename?: string;
}

export interface Transcript {
  /** Trimmed; empty when the clip held no speech the provider could make out. */
  text: string;
  /** The language the provider heard (ISO 639-1 or 639-3 as it says it), when it says one. */
  languageCode?: string;
  /** Which adapter made it, for the log. */
  provider: string;
}

/**
 * `not_configured`: no key, nothing to try. `rejected`: the provider refused this clip (format,
 * size). `unavailable`: a key it does not take. `rate_limited` / `transient`: worth a later try.
 */
export type SpeechToTextErrorKind = 'not_configured' | 'rejected' | 'unavailable' | 'rate_limited' | 'transient';

export class SpeechToTextError extends Error {
  constructor(
    readonly kind: SpeechToTextErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SpeechToTextError';
  }
}

export abstract class SpeechToText {
  /** `elevenlabs`, `gemini`, or `none`. */
  abstract readonly name: string;

  abstract isConfigured(): boolean;

  /** The words of the clip; throws SpeechToTextError when there are none to be had. */
  abstract transcribe(audio: AudioClip): Promise<Transcript>;
}
