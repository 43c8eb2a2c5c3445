import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Messages users posted in the review chat. */
@Injectable()
export class ReviewsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** False when the message was recorded already (a redelivered update). */
  async record(userId: string, chatId: string, messageId: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO reviews (user_id, chat_id, message_id) VALUES ($1, $2, $3) ON CONFLICT (chat_id, message_id) DO NOTHING RETURNING 1`,
      [userId, chatId, messageId],
    );
    return rows.length === 1;
  }

  /** The user's first review, or the one with that message id (in that chat, when given). */
  async find(userId: string, message?: { messageId: number; chatId?: string }): Promise<{ id: string; messageId: number } | undefined> {
    const rows: { id: string; message_id: string }[] = await this.dataSource.query(
      `SELECT id, message_id FROM reviews
        WHERE user_id = $1 AND ($2::bigint IS NULL OR message_id = $2) AND ($3::bigint IS NULL OR chat_id = $3)
        ORDER BY created_at LIMIT 1`,
      [userId, message?.messageId ?? null, message?.chatId ?? null],
    );
    return rows[0] && { id: rows[0].id, messageId: Number(rows[0].message_id) };
  }
}
