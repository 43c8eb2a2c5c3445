import { Injectable } from '@nestjs/common';
import type { Language } from '@genbot/users';
import type { NewVoiceCommandLog, VoiceCommandLog } from '../domain/voice-command-log';
import { matchVoiceIntent, VoiceIntent } from '../domain/voice-intents';
import { VoiceCommandLogsRepository } from '../infrastructure/voice-command-logs.repository';

/** Seed 004's voice commands: a transcript's intent, and the log of every voice message and what became of it. */
@Injectable()
export class VoiceCommandsService {
  constructor(private readonly logs: VoiceCommandLogsRepository) {}

  intentOf(transcript: string, language: Language): VoiceIntent | undefined {
    return matchVoiceIntent(transcript, language);
  }

  log(entry: NewVoiceCommandLog): Promise<VoiceCommandLog> {
    return this.logs.insert(entry);
  }

  recent(userId: string, limit?: number): Promise<VoiceCommandLog[]> {
    return this.logs.recent(userId, limit);
  }
}
