/** Lowest to highest: support reads and bans; admin also moves credits and edits the catalog, settings and broadcasts; owner manages admins. */
export const ADMIN_ROLES = ['support', 'admin', 'owner'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

export function isAdminRole(value: unknown): value is AdminRole {
  return typeof value === 'string' && (ADMIN_ROLES as readonly string[]).includes(value);
}

/** Whether `role` may do what `required` may (a role includes every role below it). */
export function roleAtLeast(role: AdminRole, required: AdminRole): boolean {
  return ADMIN_ROLES.indexOf(role) >= ADMIN_ROLES.indexOf(required);
}

export interface Admin {
  telegramId: string;
  role: AdminRole;
  /** `config`: an owner from ADMIN_TELEGRAM_IDS, changed only there; `api`: added by an owner. */
  source: 'config' | 'api';
  addedBy: string | null;
  createdAt: Date | null;
}

/** Who did a change, and from where: every audit row carries it. */
export interface AuditActor {
  telegramId: string;
  role: AdminRole;
  requestId?: string | null;
  ip?: string | null;
}
