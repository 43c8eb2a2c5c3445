import type { VoiceIntent } from './voice-intents';

/**
 * What became of a voice message (seed 004's VoiceCommandLog `status`): its text went to the
 * open flow's step, it matched an intent that was acted on, it matched none (a hint was shown),
 * it held no words, or it could not be transcribed (not configured, too large, the provider failed).
 */
export type VoiceOutcome = 'flow_input' | 'intent' | 'no_match' | 'empty' | 'not_configured' | 'too_large' | 'failed';

export interface VoiceCommandLog {
  id: string;
  userId: string;
  transcript: string | null;
  intent: VoiceIntent | null;
  outcome: VoiceOutcome;
  /** The adapter that transcribed it (`elevenlabs`, `gemini`), none when nothing did. */
  provider: string | null;
  /** Seed 004's `original_audio_duration`, as Telegram states it. */
  durationSeconds: number | null;
  createdAt: Date;
}

export type NewVoiceCommandLog = Omit<VoiceCommandLog, 'id' | 'createdAt'>;
