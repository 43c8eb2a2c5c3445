/** Speech: voice messages to text (ElevenLabs or Gemini, by config), their intents, and seed 004's voice command log. */
export * from './speech.module';
export * from './application/ports/speech-to-text';
export * from './application/voice-commands.service';
export * from './domain/voice-intents';
export * from './domain/voice-command-log';
