import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Character, CharacterAge, CharacterGender } from '../domain/talking-head';

const COLUMNS = `id, gender, age, title, image_key, image_content_type, sort_order, is_active, created_at, updated_at`;

export interface NewCharacter {
  gender: CharacterGender;
  age: CharacterAge;
  title: string;
  imageKey: string;
  contentType: string;
  sortOrder: number;
}

export type CharacterChange = Partial<{ title: string; sortOrder: number; isActive: boolean }>;

/** The character library's SQL (seed 000's portraits by gender and age). */
@Injectable()
export class CharactersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Active characters of one gender and age, in gallery order, and how many there are. */
  async page(gender: CharacterGender, age: CharacterAge, offset: number, limit: number): Promise<{ items: Character[]; total: number }> {
    const rows: (Row & { total: string })[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, count(*) OVER () AS total FROM characters WHERE gender = $1 AND age = $2 AND is_active
       ORDER BY sort_order, id OFFSET $3 LIMIT $4`,
      [gender, age, offset, limit],
    );
    if (rows.length > 0 || offset === 0) return { items: rows.map(toCharacter), total: Number(rows[0]?.total ?? 0) };
    // Past the end: the count alone, so the caller can clamp.
    const [{ total }]: { total: string }[] = await this.dataSource.query(
      `SELECT count(*) AS total FROM characters WHERE gender = $1 AND age = $2 AND is_active`,
      [gender, age],
    );
    return { items: [], total: Number(total) };
  }

  async find(id: string): Promise<(Character & { contentType: string }) | undefined> {
    const rows: Row[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM characters WHERE id = $1`, [id]);
    return rows[0] ? { ...toCharacter(rows[0]), contentType: rows[0].image_content_type } : undefined;
  }

  /** The portrait bytes a migration seeded the row with, if any. */
  async seedImage(id: string): Promise<Buffer | undefined> {
    const rows: { seed_image: Buffer | null }[] = await this.dataSource.query(`SELECT seed_image FROM characters WHERE id = $1`, [id]);
    return rows[0]?.seed_image ?? undefined;
  }

  async insert(character: NewCharacter): Promise<Character> {
    const rows: Row[] = await this.dataSource.query(
      `INSERT INTO characters (gender, age, title, image_key, image_content_type, sort_order) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [character.gender, character.age, character.title, character.imageKey, character.contentType, character.sortOrder],
    );
    return toCharacter(rows[0]);
  }

  async update(id: string, change: CharacterChange): Promise<Character | undefined> {
    const rows: [Row[], number] = await this.dataSource.query(
      `UPDATE characters SET title = coalesce($2, title), sort_order = coalesce($3, sort_order), is_active = coalesce($4, is_active), updated_at = now()
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, change.title ?? null, change.sortOrder ?? null, change.isActive ?? null],
    );
    return rows[0][0] ? toCharacter(rows[0][0]) : undefined;
  }
}

interface Row {
  id: string;
  gender: CharacterGender;
  age: CharacterAge;
  title: string;
  image_key: string;
  image_content_type: string;
  sort_order: number;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
}

function toCharacter(row: Row): Character {
  return {
    id: row.id,
    gender: row.gender,
    age: row.age,
    title: row.title,
    imageKey: row.image_key,
    sortOrder: row.sort_order,
    isActive: row.is_active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
