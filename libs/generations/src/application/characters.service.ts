import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@genbot/core';
import { ObjectStorage, readCapped, sniffContentType } from '@genbot/storage';
import { Character, CharacterAge, CharacterGender, Page, WIZARD_PAGE_SIZE, isCharacterAge, isCharacterGender } from '../domain/talking-head';
import { CharacterChange, CharactersRepository } from '../infrastructure/characters.repository';

const IMAGE_TYPES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export interface NewCharacterInput {
  gender: string;
  age: string;
  title: string;
  image: Buffer;
  sortOrder?: number;
}

/**
 * Seed 000's character library: portraits by gender and age, five to a gallery page. Images live
 * in storage under a key named by their hash; a portrait seeded by the migration is put there the
 * first time a process finds its key missing, so a fresh bucket fills itself.
 */
@Injectable()
export class CharactersService {
  /** Keys this process has seen in storage already: a gallery page costs no HEADs after the first. */
  private readonly stored = new Set<string>();

  constructor(
    private readonly repository: CharactersRepository,
    private readonly storage: ObjectStorage,
  ) {}

  async list(gender: string, age: string, page = 0): Promise<Page<Character>> {
    const [g, a] = assertKind(gender, age);
    const wanted = Math.max(0, Math.floor(page) || 0);
    let found = await this.repository.page(g, a, wanted * WIZARD_PAGE_SIZE, WIZARD_PAGE_SIZE);
    const last = Math.max(0, Math.ceil(found.total / WIZARD_PAGE_SIZE) - 1);
    // An old button may point past a gallery that has since shrunk: show its last page instead.
    if (wanted > last) found = await this.repository.page(g, a, last * WIZARD_PAGE_SIZE, WIZARD_PAGE_SIZE);
    const current = Math.min(wanted, last);
    await Promise.all(found.items.map((character) => this.ensureStored(character)));
    return { items: found.items, page: current, pages: last + 1, total: found.total, hasPrevious: current > 0, hasNext: current < last };
  }

  /** An active or inactive character, its image in storage; 404 when there is none. */
  async get(id: string): Promise<Character> {
    const character = /^[0-9a-f-]{36}$/i.test(id) ? await this.repository.find(id) : undefined;
    if (!character) throw new DomainError('GENERATION_CHARACTER_NOT_FOUND', 'No such character', { characterId: id });
    await this.ensureStored(character);
    return character;
  }

  /** For the admin API: the portrait is checked by its bytes and stored before the row exists. */
  async create(input: NewCharacterInput): Promise<Character> {
    const [gender, age] = assertKind(input.gender, input.age);
    const title = input.title.trim();
    if (!title || title.length > 128) throw invalid('title', 'must be 1 to 128 characters');
    if (input.image.length > MAX_IMAGE_BYTES) throw invalid('image', `must be at most ${MAX_IMAGE_BYTES} bytes`);
    const contentType = sniffContentType(input.image);
    const extension = contentType ? IMAGE_TYPES[contentType] : undefined;
    if (!contentType || !extension) throw invalid('image', 'must be a JPEG, PNG or WebP image');
    const imageKey = `characters/${createHash('sha256').update(input.image).digest('hex').slice(0, 32)}.${extension}`;
    await this.storage.put(imageKey, input.image, { contentType });
    this.stored.add(imageKey);
    return this.repository.insert({ gender, age, title, imageKey, contentType, sortOrder: input.sortOrder ?? 0 });
  }

  async update(id: string, change: CharacterChange): Promise<Character> {
    if (change.title !== undefined && (!change.title.trim() || change.title.length > 128)) throw invalid('title', 'must be 1 to 128 characters');
    const updated = /^[0-9a-f-]{36}$/i.test(id) ? await this.repository.update(id, { ...change, title: change.title?.trim() }) : undefined;
    if (!updated) throw new DomainError('GENERATION_CHARACTER_NOT_FOUND', 'No such character', { characterId: id });
    return updated;
  }

  /** Hidden from galleries; wizards that already picked it still run (the image stays). */
  deactivate(id: string): Promise<Character> {
    return this.update(id, { isActive: false });
  }

  /** The portrait's bytes, for sending it to a chat. */
  async image(character: Character): Promise<{ data: Buffer; contentType: string }> {
    await this.ensureStored(character);
    const { body, contentType } = await this.storage.stream(character.imageKey);
    return { data: await readCapped(body, MAX_IMAGE_BYTES), contentType };
  }

  private async ensureStored(character: Character): Promise<void> {
    if (this.stored.has(character.imageKey)) return;
    if (!(await this.storage.head(character.imageKey))) {
      const seed = await this.repository.seedImage(character.id);
      if (!seed) throw new Error(`character ${character.id}: image ${character.imageKey} is missing from storage and has no seed copy`);
      // Named by its hash: two processes putting it at once write the same bytes.
      await this.storage.put(character.imageKey, seed, { contentType: sniffContentType(seed) ?? 'image/jpeg' });
    }
    this.stored.add(character.imageKey);
  }
}

function assertKind(gender: string, age: string): [CharacterGender, CharacterAge] {
  if (!isCharacterGender(gender)) throw invalid('gender', 'must be male or female');
  if (!isCharacterAge(age)) throw invalid('age', 'must be young or elderly');
  return [gender, age];
}

function invalid(field: string, problem: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${field} ${problem}`, { fields: [{ field, problems: [problem] }] });
}
