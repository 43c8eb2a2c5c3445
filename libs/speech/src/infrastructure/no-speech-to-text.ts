import { AudioClip, SpeechToText, SpeechToTextError, Transcript } from '../application/ports/speech-to-text';

/** Neither ElevenLabs nor Gemini has a key: the bot says voice is not configured. */
export class NoSpeechToText extends SpeechToText {
  readonly name = 'none';

  isConfigured(): boolean {
    return false;
  }

  async transcribe(_audio: AudioClip): Promise<Transcript> {
    throw new SpeechToTextError('not_configured', 'speech to text is not configured: set ELEVENLABS_API_KEY or GEMINI_API_KEYS');
  }
}

/** ElevenLabs when it has a key (a dedicated speech model, no quota shared with image runs), else Gemini, else none. */
export function pickSpeechToText(adapters: SpeechToText[]): SpeechToText {
  return adapters.find((adapter) => adapter.isConfigured()) ?? new NoSpeechToText();
}
