import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { NewVoiceCommandLog, VoiceCommandLog, VoiceOutcome } from '../domain/voice-command-log';
import type { VoiceIntent } from '../domain/voice-intents';

const COLUMNS = 'id, user_id, transcript, intent, outcome, provider, duration_seconds, created_at';

@Injectable()
export class VoiceCommandLogsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(entry: NewVoiceCommandLog): Promise<VoiceCommandLog> {
    const rows: Row[] = await this.dataSource.query(
      `INSERT INTO voice_command_logs (user_id, transcript, intent, outcome, provider, duration_seconds)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [entry.userId, entry.transcript, entry.intent, entry.outcome, entry.provider, entry.durationSeconds],
    );
    return toLog(rows[0]);
  }

  /** The user's latest voice commands, newest first. */
  async recent(userId: string, limit = 20): Promise<VoiceCommandLog[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM voice_command_logs WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [
      userId,
      limit,
    ]);
    return rows.map(toLog);
  }
}

interface Row {
  id: string;
  user_id: string;
  transcript: string | null;
  intent: VoiceIntent | null;
  outcome: VoiceOutcome;
  provider: string | null;
  duration_seconds: number | null;
  created_at: Date;
}

function toLog(row: Row): VoiceCommandLog {
  return {
    id: row.id,
    userId: row.user_id,
    transcript: row.transcript,
    intent: row.intent,
    outcome: row.outcome,
    provider: row.provider,
    durationSeconds: row.duration_seconds,
    createdAt: row.created_at,
  };
}
