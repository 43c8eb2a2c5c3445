import { Module } from '@nestjs/common';
import { SpeechToText } from './application/ports/speech-to-text';
import { VoiceCommandsService } from './application/voice-commands.service';
import { ElevenLabsSpeechAdapter } from './infrastructure/elevenlabs-speech.adapter';
import { GeminiSpeechAdapter } from './infrastructure/gemini-speech.adapter';
import { pickSpeechToText } from './infrastructure/no-speech-to-text';
import { VoiceCommandLogsRepository } from './infrastructure/voice-command-logs.repository';

/** Speech to text behind one port, chosen by which keys the config has; the voice command log. */
@Module({
  providers: [
    ElevenLabsSpeechAdapter,
    GeminiSpeechAdapter,
    {
      provide: SpeechToText,
      inject: [ElevenLabsSpeechAdapter, GeminiSpeechAdapter],
      useFactory: (elevenlabs: ElevenLabsSpeechAdapter, gemini: GeminiSpeechAdapter) => pickSpeechToText([elevenlabs, gemini]),
    },
    VoiceCommandLogsRepository,
    VoiceCommandsService,
  ],
  exports: [SpeechToText, VoiceCommandsService],
})
export class SpeechModule {}
