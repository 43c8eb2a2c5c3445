import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AdminRole } from '../domain/admin-role';
import { AuditEntry, AuditQuery, AuditRecord } from '../domain/audit-entry';

interface Row {
  id: string;
  actor_telegram_id: string;
  actor_role: AdminRole;
  action: string;
  target_type: string;
  target_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
  ip: string | null;
  created_at: Date;
}

/** The SQL of `admin_audit_log`: inserts and keyset pages, nothing else (the table refuses updates). */
@Injectable()
export class AdminAuditRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(entry: AuditEntry, em: EntityManager): Promise<void> {
    await em.query(
      `INSERT INTO admin_audit_log (actor_telegram_id, actor_role, action, target_type, target_id, before, after, request_id, ip)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.actorTelegramId,
        entry.actorRole,
        entry.action,
        entry.targetType,
        entry.targetId,
        entry.before === undefined ? null : JSON.stringify(entry.before),
        entry.after === undefined ? null : JSON.stringify(entry.after),
        entry.requestId ?? null,
        entry.ip ?? null,
      ],
    );
  }

  /** Newest first; each filter has an index ending in id, so a page reads only its rows. */
  async page(query: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.actor !== undefined) add('actor_telegram_id = ?', query.actor);
    if (query.targetType !== undefined) add('target_type = ?', query.targetType);
    if (query.targetId !== undefined) add('target_id = ?', query.targetId);
    if (query.action !== undefined) add('action = ?', query.action);
    if (query.before !== undefined) add('id < ?', query.before);
    params.push(query.limit);
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, actor_telegram_id, actor_role, action, target_type, target_id, before, after, request_id, ip, created_at
       FROM admin_audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => ({
      id: String(row.id),
      actorTelegramId: String(row.actor_telegram_id),
      actorRole: row.actor_role,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      before: row.before,
      after: row.after,
      requestId: row.request_id,
      ip: row.ip,
      createdAt: row.created_at,
    }));
  }
}
