import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SubjectKind, SubjectProfile } from '../domain/session';

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  subjectKind: SubjectKind;
  subjectId: string;
  profile: SubjectProfile;
  expiresAt: Date;
  revokedAt: Date | null;
  /** rotated (used once), reused (its session caught a reuse), logout, removed (its admin was). */
  revokedReason: string | null;
}

interface Row {
  id: string;
  family_id: string;
  subject_kind: SubjectKind;
  subject_id: string;
  profile: SubjectProfile;
  expires_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

const COLUMNS = 'id, family_id, subject_kind, subject_id, profile, expires_at, revoked_at, revoked_reason';

/** The SQL of `refresh_tokens`. Tokens are looked up by their SHA-256 only. */
@Injectable()
export class RefreshTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async insert(
    row: {
      id: string;
      familyId: string;
      parentId: string | null;
      subjectKind: SubjectKind;
      subjectId: string;
      profile: SubjectProfile;
      hash: Buffer;
      ttlSeconds: number;
    },
    em?: EntityManager,
  ): Promise<void> {
    await (em ?? this.dataSource).query(
      `INSERT INTO refresh_tokens (id, family_id, parent_id, subject_kind, subject_id, profile, token_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))`,
      [row.id, row.familyId, row.parentId, row.subjectKind, row.subjectId, JSON.stringify(row.profile), row.hash, row.ttlSeconds],
    );
  }

  /**
   * Marks a live token used, atomically: of two concurrent presentations of one token only one
   * gets it back; the other finds it revoked, which is exactly what reuse looks like.
   */
  async consume(hash: Buffer, em: EntityManager): Promise<RefreshTokenRow | undefined> {
    const [rows]: [Row[], number] = await em.query(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = 'rotated'
       WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING ${COLUMNS}`,
      [hash],
    );
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async findByHash(hash: Buffer, em?: EntityManager): Promise<RefreshTokenRow | undefined> {
    const rows: Row[] = await (em ?? this.dataSource).query(`SELECT ${COLUMNS} FROM refresh_tokens WHERE token_hash = $1`, [hash]);
    return rows[0] ? toRow(rows[0]) : undefined;
  }

  async revokeFamily(familyId: string, reason: string, em?: EntityManager): Promise<void> {
    await (em ?? this.dataSource).query(`UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE family_id = $1 AND revoked_at IS NULL`, [
      familyId,
      reason,
    ]);
  }

  /** Ends every live session of a subject; returns their family ids (their access tokens die too). */
  async revokeSubject(kind: SubjectKind, subjectId: string, reason: string, em?: EntityManager): Promise<string[]> {
    const [rows]: [{ family_id: string }[], number] = await (em ?? this.dataSource).query(
      `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $3 WHERE subject_kind = $1 AND subject_id = $2 AND revoked_at IS NULL RETURNING family_id`,
      [kind, subjectId, reason],
    );
    return [...new Set(rows.map((row) => row.family_id))];
  }
}

function toRow(row: Row): RefreshTokenRow {
  return {
    id: row.id,
    familyId: row.family_id,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    profile: row.profile,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokedReason: row.revoked_reason,
  };
}
