import type { TestingModule } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LedgerService } from '@genbot/ledger';
import { createIntegrationModule, FakeGemini, uniqueTelegramId } from '@genbot/testing';
import { Language, UsersModule, UsersService } from '@genbot/users';
import { isFinal } from '../domain/generation';
import { DEFAULT_MODEL_INSTRUCTIONS } from '../domain/model-instructions';
import { GenerationsJobsModule, GenerationsModule } from '../generations.module';
import { GenerationsRepository } from '../infrastructure/generations.repository';
import { DataService } from './data.service';
import { GenerationsService } from './generations.service';

/** Seed 003: a drawing goes to Gemini with the fixed "bring it to life" instruction, in the user's language. */
describe('animate-drawing: the Gemini request carries the instruction', () => {
  let moduleRef: TestingModule;
  let gemini: FakeGemini;
  let dataDir: string;

  beforeAll(async () => {
    gemini = await FakeGemini.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-drawing-'));
    moduleRef = await createIntegrationModule([UsersModule, GenerationsModule, GenerationsJobsModule], {
      DATA_DIR: dataDir,
      FILE_URL_SECRET: 's'.repeat(40),
      GEMINI_API_KEYS: gemini.apiKeysCsv,
      GEMINI_BASE_URL: gemini.baseUrl,
    });
  });
  afterAll(async () => {
    await moduleRef.close();
    await gemini.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Submits a drawing as `language`'s user (optionally naming a language on the request) and waits for the worker to finish it. */
  async function drawingRun(userLanguage: Language, requestLanguage?: Language): Promise<Record<string, unknown>> {
    const users = moduleRef.get(UsersService);
    const { user } = await users.register({ telegramId: String(uniqueTelegramId()) });
    await users.setLanguage(user.id, userLanguage);
    await moduleRef
      .get(LedgerService)
      .transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: user.id }, amount: 10, kind: 'purchase' });
    const data = moduleRef.get(DataService);
    const drawing = await data.upload({ userId: user.id, type: 'image', data: gemini.png, declaredType: 'image/png' });
    const generation = await moduleRef.get(GenerationsService).submit({
      userId: user.id,
      model: 'animate-drawing',
      options: { count: 1 },
      inputs: await data.asInputs([drawing.id], user.id),
      source: 'service',
      language: requestLanguage,
    });
    const repository = moduleRef.get(GenerationsRepository);
    // The real processor runs the job; wait for it, not for a time.
    for (let i = 0; i < 200; i++) {
      const current = await repository.find(generation.id);
      if (current && isFinal(current.status)) {
        expect(current.status).toBe('succeeded');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const call = gemini.calls().find((c) => c.model === 'gemini-2.5-flash-image' && c.status === 200);
    expect(call).toBeDefined();
    gemini.reset();
    return call!.body!;
  }
  const firstText = (body: Record<string, unknown>) => (body as { contents: { parts: { text?: string }[] }[] }).contents[0].parts[0].text;

  it.each(['uz', 'ru', 'en'] as const)('sends the %s instruction to a user who speaks it', async (language) => {
    const body = await drawingRun(language);

    expect(firstText(body)).toBe(DEFAULT_MODEL_INSTRUCTIONS['animate-drawing'][language]);
    expect((body as { contents: { parts: unknown[] }[] }).contents[0].parts[1]).toEqual({
      inline_data: { mime_type: 'image/png', data: gemini.png.toString('base64') },
    });
  });

  it('speaks the language the request named over the profile one', async () => {
    expect(firstText(await drawingRun('en', 'ru'))).toBe(DEFAULT_MODEL_INSTRUCTIONS['animate-drawing'].ru);
  });
});
