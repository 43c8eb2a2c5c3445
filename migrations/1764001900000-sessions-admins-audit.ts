import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions (refresh tokens, for admins and first-party apps' users), admin roles and the admin
 * audit log. Refresh tokens are kept as SHA-256 hashes only: a leaked table opens no session.
 */
export class SessionsAdminsAudit1764001900000 implements MigrationInterface {
  name = 'SessionsAdminsAudit1764001900000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY,
        family_id uuid NOT NULL,
        parent_id uuid REFERENCES refresh_tokens (id) ON DELETE SET NULL,
        subject_kind varchar(8) NOT NULL CHECK (subject_kind IN ('admin', 'user')),
        subject_id varchar(32) NOT NULL,
        -- The name the login showed (Login Widget, initData), carried into every rotated token's claims.
        profile jsonb NOT NULL DEFAULT '{}',
        token_hash bytea NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason varchar(16),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Revoking a family (reuse, logout) and all of a subject's sessions (an admin removed) touch only live rows.
    await q.query(`CREATE INDEX refresh_tokens_family_live ON refresh_tokens (family_id) WHERE revoked_at IS NULL`);
    await q.query(`CREATE INDEX refresh_tokens_subject_live ON refresh_tokens (subject_kind, subject_id) WHERE revoked_at IS NULL`);

    await q.query(`
      CREATE TABLE admins (
        telegram_id bigint PRIMARY KEY,
        role varchar(16) NOT NULL CHECK (role IN ('owner', 'admin', 'support')),
        added_by bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE admin_audit_log (
        id bigserial PRIMARY KEY,
        actor_telegram_id bigint NOT NULL,
        actor_role varchar(16) NOT NULL,
        action varchar(64) NOT NULL,
        target_type varchar(32) NOT NULL,
        target_id varchar(128) NOT NULL,
        before jsonb,
        after jsonb,
        request_id varchar(128),
        ip varchar(64),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    // One per filter of GET /admin/audit, each ending in id so a page is an index range scan.
    await q.query(`CREATE INDEX admin_audit_log_actor ON admin_audit_log (actor_telegram_id, id)`);
    await q.query(`CREATE INDEX admin_audit_log_target ON admin_audit_log (target_type, target_id, id)`);
    await q.query(`CREATE INDEX admin_audit_log_action ON admin_audit_log (action, id)`);
    // Append-only by the database itself, not by convention: no UPDATE, DELETE or TRUNCATE gets through.
    await q.query(`
      CREATE FUNCTION admin_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'admin_audit_log is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER admin_audit_log_append_only BEFORE UPDATE OR DELETE ON admin_audit_log
      FOR EACH ROW EXECUTE FUNCTION admin_audit_log_append_only()`);
    await q.query(`
      CREATE TRIGGER admin_audit_log_no_truncate BEFORE TRUNCATE ON admin_audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION admin_audit_log_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admin_audit_log`);
    await q.query(`DROP FUNCTION admin_audit_log_append_only`);
    await q.query(`DROP TABLE admins`);
    await q.query(`DROP TABLE refresh_tokens`);
  }
}
