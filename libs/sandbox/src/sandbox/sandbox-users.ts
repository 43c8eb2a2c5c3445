import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxUser } from './sandbox-chat';

/** One user per language the bot speaks, so switching language is switching user. */
const STARTERS = [
  { first_name: 'Alex', language_code: 'en' },
  { first_name: 'Olga', language_code: 'ru' },
  { first_name: 'Aziz', language_code: 'uz' },
];

/**
 * The sandbox's people, kept in DATA_DIR so that they stay the same users (the same balance,
 * the same history in the database) from one `npm start` to the next. Their ids are drawn once
 * per DATA_DIR, so that two sandboxes sharing a database (a test run, a second checkout) each
 * start with new users.
 */
export class SandboxUsers {
  private readonly users: SandboxUser[];

  constructor(private readonly file: string) {
    if (existsSync(file)) {
      this.users = JSON.parse(readFileSync(file, 'utf8')) as SandboxUser[];
      return;
    }
    const base = randomInt(100_000, 1_000_000) * 10_000;
    this.users = STARTERS.map((user, i) => ({ id: base + i + 1, ...user, username: `sandbox_${user.first_name.toLowerCase()}` }));
    this.save();
  }

  list(): SandboxUser[] {
    return [...this.users];
  }

  get(id: number): SandboxUser | undefined {
    return this.users.find((user) => user.id === id);
  }

  add(firstName: string, languageCode: string): SandboxUser {
    const id = Math.max(...this.users.map((user) => user.id)) + 1;
    const user: SandboxUser = { id, first_name: firstName, language_code: languageCode };
    this.users.push(user);
    this.save();
    return user;
  }

  save(): void {
    mkdirSync(join(this.file, '..'), { recursive: true });
    writeFileSync(this.file, JSON.stringify(this.users, null, 2));
  }
}
