import { getQueueToken } from '@nestjs/bullmq';
import type { TestingModule } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { QUEUES } from '@genbot/core';
import { CharactersService, GenerationsModule, GenerationsService, TALKING_HEAD_VIDEO_MODEL } from '@genbot/generations';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import {
  FakeElevenLabs,
  FakeFal,
  FakeTelegramApi,
  LoopbackServer,
  TEST_DATABASE_URL,
  TEST_REDIS_URL,
  createIntegrationModule,
  eventually,
  freePort,
  readBody,
  uniqueTelegramId,
} from '@genbot/testing';
import { UsersModule, UsersService } from '@genbot/users';
import { WorkerProcess } from './worker-process';

/**
 * A worker SIGKILLed between the chain's two steps (the speech stored, the video's submit in
 * flight at fal) loses nothing and pays nothing twice: the next worker finds the speech under the
 * generation's key, submits the video, delivers it, and the user's hold is captured once.
 */
describe('talking-head video: a worker killed between the speech and the video', () => {
  let telegram: FakeTelegramApi;
  let elevenlabs: FakeElevenLabs;
  let fal: FakeFal;
  let gate: LoopbackServer;
  let holding = true;
  let held = 0;
  let moduleRef: TestingModule;
  let dataDir: string;
  let env: Record<string, string>;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    elevenlabs = await FakeElevenLabs.start();
    fal = await FakeFal.start();
    fal.setOutputKind('video');
    // In front of fal: holds the video's submit unanswered while `holding`, as a worker dying mid-request would leave it.
    gate = new LoopbackServer((req, res) => void pass(req, res));
    await gate.listen();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-th-crash-'));
    const shared = {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ELEVENLABS_API_KEY: elevenlabs.apiKey,
      ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
      FAL_KEY: fal.apiKey,
      FAL_BASE_URL: gate.baseUrl,
      DATA_DIR: dataDir,
      PUBLIC_BASE_URL: `http://127.0.0.1:${await freePort()}`,
      FILE_URL_SECRET: 'k'.repeat(40),
    };
    env = { ...shared, DATABASE_URL: TEST_DATABASE_URL, REDIS_URL: TEST_REDIS_URL, DATABASE_POOL_SIZE: '5' };
    moduleRef = await createIntegrationModule([UsersModule, GenerationsModule], shared);
  });
  afterAll(async () => {
    for (const worker of workers.splice(0)) await worker.kill();
    await moduleRef?.close();
    await gate.close();
    for (const fake of [telegram, elevenlabs, fal]) await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function pass(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (req.method === 'POST' && holding) {
      held += 1;
      return; // never answered: the worker that sent it is killed
    }
    const answer = await fetch(`${fal.baseUrl}${req.url}`, {
      method: req.method,
      headers: { authorization: String(req.headers.authorization ?? ''), 'content-type': 'application/json' },
      body: req.method === 'POST' ? body : undefined,
    });
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  }

  it('resumes with the stored speech, speaks once, delivers once and charges once', async () => {
    const { user } = await moduleRef.get(UsersService).register({ telegramId: String(uniqueTelegramId()) });
    const ledger = moduleRef.get(LedgerService);
    await ledger.transfer({ idempotencyKey: randomUUID(), from: { system: 'purchases' }, to: { userId: user.id }, amount: 3, kind: 'purchase' });
    const [character] = (await moduleRef.get(CharactersService).list('male', 'young', 0)).items;
    const generation = await moduleRef.get(GenerationsService).submit({
      userId: user.id,
      model: TALKING_HEAD_VIDEO_MODEL,
      prompt: 'Assalomu alaykum!',
      options: { voice_id: 'ErXwobaYiN019PkySvjV' },
      inputs: [{ type: 'image', storageKey: character.imageKey }],
      source: 'bot',
      chatId: user.telegramId,
      language: 'uz',
    });

    const first = await WorkerProcess.start(env);
    workers.push(first);
    await eventually(
      async () => held,
      (n) => n > 0,
      30_000,
      25,
    );
    expect(elevenlabs.calls('tts')).toHaveLength(1);
    await first.kill();
    holding = false;

    const second = await WorkerProcess.start(env);
    workers.push(second);
    // The minute sweep, sooner: the dead worker's job is resumed once its lock lapses.
    const queue = moduleRef.get<Queue>(getQueueToken(QUEUES.generations));
    const sweeping = setInterval(() => void queue.add('generations.sweep', {}, { removeOnComplete: true, removeOnFail: true }).catch(() => undefined), 2000);
    try {
      const done = await eventually(
        () => moduleRef.get(GenerationsService).get(generation.id),
        (g) => ['succeeded', 'failed'].includes(g.status) && (g.status === 'failed' || g.deliveredAt !== null),
        60_000,
        250,
      );
      expect(done.status).toBe('succeeded');
    } finally {
      clearInterval(sweeping);
    }
    expect(elevenlabs.calls('tts')).toHaveLength(1);
    expect(fal.calls('submit')).toHaveLength(1);
    expect(telegram.sentTo(user.telegramId).filter((c) => c.method === 'sendVideo')).toHaveLength(1);
    expect(await ledger.balance(user.id)).toEqual({ balance: 2, reserved: 0, available: 2 });
    expect(await verifyLedger(moduleRef.get(DataSource))).toBeUndefined();
  }, 120_000);
});
