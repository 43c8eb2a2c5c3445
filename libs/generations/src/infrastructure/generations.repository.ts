import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Generation, GenerationResult, GenerationStatus } from '../domain/generation';

type Row = Record<string, unknown>;

export type NewGeneration = Omit<Generation, 'progress' | 'error' | 'externalId' | 'deliveredAt' | 'startedAt' | 'deadlineAt' | 'finishedAt' | 'createdAt' | 'updatedAt'> & {
  idempotencyKey: string | null;
};

@Injectable()
export class GenerationsRepository {
  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  async insert(em: EntityManager, g: NewGeneration): Promise<Generation> {
    const [row]: Row[] = await em.query(
      `INSERT INTO generations (id, user_id, model_id, mode, status, prompt, options, inputs, price_credits, is_trial, hold_id, provider, provider_model,
                                source, service_type, description, chat_id, message_id, prompt_message_id, language, idempotency_key, meta)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING *`,
      [
        g.id, g.userId, g.modelId, g.mode, g.status, g.prompt, g.options, JSON.stringify(g.inputs), g.priceCredits, g.isTrial, g.holdId, g.provider, g.providerModel,
        g.source, g.serviceType, g.description, g.chatId, g.messageId, g.promptMessageId, g.language, g.idempotencyKey, g.meta,
      ],
    );
    return toGeneration(row);
  }

  async find(id: string): Promise<Generation | undefined> {
    const [row]: Row[] = await this.dataSource.query(`SELECT * FROM generations WHERE id = $1`, [id]);
    return row ? toGeneration(row) : undefined;
  }

  async findByKey(key: string): Promise<Generation | undefined> {
    const [row]: Row[] = await this.dataSource.query(`SELECT * FROM generations WHERE idempotency_key = $1`, [key]);
    return row ? toGeneration(row) : undefined;
  }

  async listForUser(userId: string, limit: number, statuses?: GenerationStatus[]): Promise<Generation[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM generations WHERE user_id = $1 AND ($2::text[] IS NULL OR status = ANY($2)) ORDER BY created_at DESC, id DESC LIMIT $3`,
      [userId, statuses ?? null, limit],
    );
    return rows.map(toGeneration);
  }

  /**
   * Moves a generation forward only from the statuses given, so that two workers (or a cancel and
   * a worker) can never both win: the loser's UPDATE matches no row.
   */
  async transition(id: string, from: GenerationStatus[], set: Partial<Record<string, unknown>>): Promise<Generation | undefined> {
    const keys = Object.keys(set);
    const assignments = keys.map((key, i) => `${key} = $${i + 3}`).join(', ');
    const [rows]: [Row[], number] = await this.dataSource.query(
      `UPDATE generations SET ${assignments}${assignments ? ', ' : ''}updated_at = now() WHERE id = $1 AND status = ANY($2) RETURNING *`,
      [id, from, ...keys.map((key) => set[key])],
    );
    return rows[0] ? toGeneration(rows[0]) : undefined;
  }

  async results(generationId: string): Promise<GenerationResult[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM generation_results WHERE generation_id = $1 ORDER BY idx`, [generationId]);
    return rows.map(toResult);
  }

  async addResult(r: Omit<GenerationResult, 'id' | 'createdAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO generation_results (generation_id, idx, storage_key, content_type, size_bytes, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (generation_id, idx) DO NOTHING`,
      [r.generationId, r.idx, r.storageKey, r.contentType, r.sizeBytes, r.expiresAt],
    );
  }
}

export function toGeneration(row: Row): Generation {
  return {
    id: row.id as string,
    userId: row.user_id as string,
    modelId: row.model_id as string,
    mode: row.mode as Generation['mode'],
    status: row.status as GenerationStatus,
    prompt: row.prompt as string | null,
    options: row.options as Generation['options'],
    inputs: row.inputs as Generation['inputs'],
    priceCredits: row.price_credits as number,
    isTrial: row.is_trial as boolean,
    holdId: row.hold_id as string | null,
    provider: row.provider as string | null,
    providerModel: row.provider_model as string | null,
    externalId: row.external_id as string | null,
    progress: row.progress as number,
    error: row.error as string | null,
    source: row.source as Generation['source'],
    serviceType: row.service_type as string | null,
    description: row.description as string | null,
    chatId: row.chat_id === null ? null : String(row.chat_id),
    messageId: row.message_id === null ? null : Number(row.message_id),
    promptMessageId: row.prompt_message_id === null ? null : Number(row.prompt_message_id),
    language: row.language as Generation['language'],
    deliveredAt: row.delivered_at as Date | null,
    meta: row.meta as Record<string, unknown>,
    startedAt: row.started_at as Date | null,
    deadlineAt: row.deadline_at as Date | null,
    finishedAt: row.finished_at as Date | null,
    createdAt: row.created_at as Date,
    updatedAt: row.updated_at as Date,
  };
}

function toResult(row: Row): GenerationResult {
  return {
    id: row.id as string,
    generationId: row.generation_id as string,
    idx: row.idx as number,
    storageKey: row.storage_key as string,
    contentType: row.content_type as string,
    sizeBytes: Number(row.size_bytes),
    createdAt: row.created_at as Date,
    expiresAt: row.expires_at as Date | null,
  };
}
