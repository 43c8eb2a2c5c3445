import { AdminRole } from './admin-role';

/** One row of admin_audit_log: what an admin changed, before and after. */
export interface AuditEntry {
  actorTelegramId: string;
  actorRole: AdminRole;
  /** `admin.add`, `user.ban`, `credits.transfer` … */
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  ip?: string | null;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'requestId' | 'ip'>> {
  id: string;
  requestId: string | null;
  ip: string | null;
  createdAt: Date;
}

export interface AuditQuery {
  actor?: string;
  targetType?: string;
  targetId?: string;
  action?: string;
  /** The id of the last row of the previous page: rows older than it. */
  before?: string;
  limit: number;
}

export const AUDIT_MAX_LIMIT = 200;
