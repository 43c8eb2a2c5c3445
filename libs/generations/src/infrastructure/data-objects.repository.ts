import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { MediaFamily } from '../domain/generation';

export interface DataObject {
  id: string;
  userId: string | null;
  type: MediaFamily;
  storageKey: string;
  contentType: string;
  sizeBytes: number | null;
  status: 'pending' | 'ready';
  expiresAt: Date | null;
  createdAt: Date;
}

export interface NewDataObject {
  userId: string | null;
  type: MediaFamily;
  storageKey: string;
  contentType: string;
  sizeBytes: number | null;
  status: DataObject['status'];
  expiresAt: Date;
}

type Row = Record<string, unknown>;

/** The SQL of `data_objects`: uploaded input files (seed 001's `Data`, Mini App media). */
@Injectable()
export class DataObjectsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(d: NewDataObject): Promise<DataObject> {
    const [row]: Row[] = await this.dataSource.query(
      `INSERT INTO data_objects (user_id, type, storage_key, content_type, size_bytes, status, expires_at, confirmed_at)
       VALUES ($1, $2, $3, $4, $5, $6::varchar, $7, CASE WHEN $6::varchar = 'ready' THEN now() END) RETURNING *`,
      [d.userId, d.type, d.storageKey, d.contentType, d.sizeBytes, d.status, d.expiresAt],
    );
    return toDataObject(row);
  }

  async find(id: string): Promise<DataObject | undefined> {
    const [row]: Row[] = await this.dataSource.query(`SELECT * FROM data_objects WHERE id = $1`, [id]);
    return row ? toDataObject(row) : undefined;
  }

  /**
   * Pending → ready, pointing at the confirmed copy. Undefined when another confirm got there
   * first (only one wins, so only one copy stays referenced).
   */
  async markReady(id: string, ready: { storageKey: string; sizeBytes: number; retentionSeconds: number }): Promise<DataObject | undefined> {
    const [rows]: [Row[], number] = await this.dataSource.query(
      `UPDATE data_objects SET status = 'ready', storage_key = $2, size_bytes = $3, confirmed_at = now(), expires_at = now() + make_interval(secs => $4::double precision)
       WHERE id = $1 AND status = 'pending' RETURNING *`,
      [id, ready.storageKey, ready.sizeBytes, ready.retentionSeconds],
    );
    return rows[0] ? toDataObject(rows[0]) : undefined;
  }

  /**
   * Uploads past their expiry, pending or confirmed, except one that a generation not yet finished
   * still has to read (its job fetches the input when it runs).
   */
  async expired(limit: number): Promise<{ id: string; storageKey: string }[]> {
    const rows: { id: string; storage_key: string }[] = await this.dataSource.query(
      `SELECT d.id, d.storage_key FROM data_objects d
        WHERE d.expires_at < now()
          AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.status IN ('waiting_payment', 'queued', 'running')
                            AND g.inputs @> jsonb_build_array(jsonb_build_object('storageKey', d.storage_key)))
        ORDER BY d.expires_at LIMIT $1`,
      [limit],
    );
    return rows.map((row) => ({ id: row.id, storageKey: row.storage_key }));
  }

  async deleteExpired(id: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM data_objects WHERE id = $1 AND expires_at < now()`, [id]);
  }
}

function toDataObject(row: Row): DataObject {
  return {
    id: row.id as string,
    userId: row.user_id as string | null,
    type: row.type as MediaFamily,
    storageKey: row.storage_key as string,
    contentType: row.content_type as string,
    sizeBytes: row.size_bytes === null ? null : Number(row.size_bytes),
    status: row.status as DataObject['status'],
    expiresAt: row.expires_at as Date | null,
    createdAt: row.created_at as Date,
  };
}
