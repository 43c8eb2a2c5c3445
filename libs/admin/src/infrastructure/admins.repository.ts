import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Admin, AdminRole } from '../domain/admin-role';

interface Row {
  telegram_id: string;
  role: AdminRole;
  added_by: string | null;
  created_at: Date;
}

/** The SQL of `admins` (the admins added through the API; configured owners are not stored). */
@Injectable()
export class AdminsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async all(): Promise<Admin[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT telegram_id, role, added_by, created_at FROM admins ORDER BY created_at, telegram_id`);
    return rows.map(toAdmin);
  }

  async roleOf(telegramId: string): Promise<AdminRole | undefined> {
    const rows: { role: AdminRole }[] = await this.dataSource.query(`SELECT role FROM admins WHERE telegram_id = $1`, [telegramId]);
    return rows[0]?.role;
  }

  /** Undefined when the id is an admin already. */
  async insert(telegramId: string, role: AdminRole, addedBy: string, em: EntityManager): Promise<Admin | undefined> {
    const rows: Row[] = await em.query(
      `INSERT INTO admins (telegram_id, role, added_by) VALUES ($1, $2, $3) ON CONFLICT (telegram_id) DO NOTHING RETURNING telegram_id, role, added_by, created_at`,
      [telegramId, role, addedBy],
    );
    return rows[0] ? toAdmin(rows[0]) : undefined;
  }

  /** Locks the row for the change that follows in `em`'s transaction. */
  async lock(telegramId: string, em: EntityManager): Promise<Admin | undefined> {
    const rows: Row[] = await em.query(`SELECT telegram_id, role, added_by, created_at FROM admins WHERE telegram_id = $1 FOR UPDATE`, [telegramId]);
    return rows[0] ? toAdmin(rows[0]) : undefined;
  }

  async setRole(telegramId: string, role: AdminRole, em: EntityManager): Promise<void> {
    await em.query(`UPDATE admins SET role = $2, updated_at = now() WHERE telegram_id = $1`, [telegramId, role]);
  }

  async delete(telegramId: string, em: EntityManager): Promise<void> {
    await em.query(`DELETE FROM admins WHERE telegram_id = $1`, [telegramId]);
  }
}

function toAdmin(row: Row): Admin {
  return {
    telegramId: String(row.telegram_id),
    role: row.role,
    source: 'api',
    addedBy: row.added_by === null ? null : String(row.added_by),
    createdAt: row.created_at,
  };
}
