/** Operators: admin roles (owner / admin / support) and the append-only audit log of their changes. */
export * from './admin.module';
export * from './application/admins.service';
export * from './application/admin-audit.service';
export * from './application/admin-users.service';
export * from './application/admin-credits.service';
export * from './domain/admin-role';
export * from './domain/audit-entry';
/** Error codes → HTTP statuses, for admin-api's `createHttpApp`. */
export * from './domain/admin.errors';
