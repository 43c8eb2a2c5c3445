import type { TestingModule } from '@nestjs/testing';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ObjectStorage, readCapped } from '@genbot/storage';
import { createIntegrationModule, tinyPng } from '@genbot/testing';
import { GenerationsModule } from '../generations.module';
import { CharactersService } from './characters.service';

/** Seed 000's character library: seeded by the migration, stored on first use, five to a page. */
describe('CharactersService against PostgreSQL and storage', () => {
  let moduleRef: TestingModule;
  let characters: CharactersService;
  let storage: ObjectStorage;
  let db: DataSource;
  let dataDir: string;

  beforeAll(async () => {
    // A fresh storage: the seeded portraits are in the database only, not in this bucket yet.
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-characters-'));
    moduleRef = await createIntegrationModule([GenerationsModule], { DATA_DIR: dataDir, FILE_URL_SECRET: 'c'.repeat(40) });
    characters = moduleRef.get(CharactersService);
    storage = moduleRef.get(ObjectStorage);
    db = moduleRef.get(DataSource);
  });
  afterAll(async () => {
    await moduleRef.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists the portraits the migration seeded from the repository, each put into storage under its hash', async () => {
    const page = await characters.list('male', 'young', 0);
    expect(page.items.map((c) => c.title)).toEqual(expect.arrayContaining(['Aziz', 'Timur']));
    expect(page.items.every((c) => c.gender === 'male' && c.age === 'young')).toBe(true);
    const aziz = page.items.find((c) => c.title === 'Aziz')!;
    const file = readFileSync(join(__dirname, '../../../../migrations/characters/male-young-aziz.jpg'));
    expect(aziz.imageKey).toBe(`characters/${createHash('sha256').update(file).digest('hex').slice(0, 32)}.jpg`);
    const stored = await storage.stream(aziz.imageKey);
    expect(stored.contentType).toBe('image/jpeg');
    expect((await readCapped(stored.body, 1 << 20)).equals(file)).toBe(true);
    expect((await characters.image(aziz)).data.equals(file)).toBe(true);
  });

  it('puts a seeded portrait back when the bucket lost it', async () => {
    const fresh = await createIntegrationModule([GenerationsModule], { DATA_DIR: dataDir, FILE_URL_SECRET: 'c'.repeat(40) });
    try {
      const [elderly] = (await characters.list('female', 'elderly', 0)).items;
      await storage.delete(elderly.imageKey);
      // Another process, which has not seen the key yet, finds it missing and restores it.
      expect((await fresh.get(CharactersService).get(elderly.id)).id).toBe(elderly.id);
      expect(await storage.head(elderly.imageKey)).toMatchObject({ contentType: 'image/jpeg' });
    } finally {
      await fresh.close();
    }
  });

  it('pages five at a time, hides deactivated ones and clamps a page past the end', async () => {
    const before = (await characters.list('female', 'young', 0)).total;
    const created = [];
    for (let i = 0; i < 6; i++)
      created.push(await characters.create({ gender: 'female', age: 'young', title: `Extra ${i}`, image: tinyPng([i, 10, 20]), sortOrder: 1000 + i }));
    try {
      const total = before + created.length;
      const first = await characters.list('female', 'young', 0);
      expect(first).toMatchObject({ page: 0, total, pages: Math.ceil(total / 5), hasPrevious: false, hasNext: true });
      expect(first.items).toHaveLength(5);
      const last = await characters.list('female', 'young', 99);
      expect(last).toMatchObject({ page: Math.ceil(total / 5) - 1, hasNext: false, hasPrevious: true });
      expect(last.items.at(-1)!.title).toBe('Extra 5');

      await characters.deactivate(created[5].id);
      expect((await characters.list('female', 'young', 0)).total).toBe(total - 1);
      expect((await characters.update(created[4].id, { title: '  Renamed ' })).title).toBe('Renamed');
    } finally {
      await db.query(`UPDATE characters SET is_active = false WHERE id = ANY($1)`, [created.map((c) => c.id)]);
    }
  });

  it('refuses a bad gender, age, title or image, and an unknown id', async () => {
    await expect(characters.list('other', 'young')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(characters.list('male', 'middle')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(characters.create({ gender: 'male', age: 'young', title: 'Text', image: Buffer.from('not an image') })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(characters.create({ gender: 'male', age: 'young', title: ' ', image: tinyPng([1, 2, 3]) })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(characters.get('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'GENERATION_CHARACTER_NOT_FOUND' });
    await expect(characters.get('nope')).rejects.toMatchObject({ code: 'GENERATION_CHARACTER_NOT_FOUND' });
  });
});
