import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditActor } from '../domain/admin-role';
import { AUDIT_MAX_LIMIT, AuditEntry, AuditQuery, AuditRecord } from '../domain/audit-entry';
import { AdminAuditRepository } from '../infrastructure/admin-audit.repository';

/**
 * The admin audit log. `record` takes the EntityManager of the change it describes, so the row
 * and the change commit together or not at all: there is no change without its row, nor a row
 * for a change that rolled back.
 */
@Injectable()
export class AdminAudit {
  constructor(private readonly repository: AdminAuditRepository) {}

  record(em: EntityManager, entry: AuditEntry): Promise<void> {
    return this.repository.insert(entry, em);
  }

  /** `record` with the actor's who / role / request id / IP filled in. */
  recordBy(em: EntityManager, actor: AuditActor, change: Pick<AuditEntry, 'action' | 'targetType' | 'targetId' | 'before' | 'after'>): Promise<void> {
    return this.record(em, { ...change, actorTelegramId: actor.telegramId, actorRole: actor.role, requestId: actor.requestId, ip: actor.ip });
  }

  list(query: AuditQuery): Promise<AuditRecord[]> {
    return this.repository.page({ ...query, limit: Math.min(Math.max(1, query.limit), AUDIT_MAX_LIMIT) });
  }
}
