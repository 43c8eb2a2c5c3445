import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { LedgerService, verifyLedger } from '@genbot/ledger';
import { CharactersService, Generation, GenerationsService, TALKING_HEAD_VIDEO_MODEL } from '@genbot/generations';
import { ObjectStorage } from '@genbot/storage';
import { FakeElevenLabs, FakeFal, FakeTelegramApi, createTestUser, eventually, freePort, testConfig } from '@genbot/testing';
import { bootstrapWorker } from '../src/bootstrap';

/**
 * Seed 000's video as one generation in the worker: the script spoken by the ElevenLabs fake, the
 * portrait made to speak by the fal fake, the video sent to the chat; one hold, captured once on
 * success and released on any failure.
 */
describe('talking-head video chain in the worker', () => {
  let telegram: FakeTelegramApi;
  let elevenlabs: FakeElevenLabs;
  let fal: FakeFal;
  let worker: NestFastifyApplication;
  let dataDir: string;

  beforeAll(async () => {
    telegram = await FakeTelegramApi.start();
    elevenlabs = await FakeElevenLabs.start();
    fal = await FakeFal.start();
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-talking-head-'));
    const port = await freePort();
    worker = await bootstrapWorker(
      testConfig({
        BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ELEVENLABS_API_KEY: elevenlabs.apiKey,
        ELEVENLABS_BASE_URL: elevenlabs.baseUrl,
        FAL_KEY: fal.apiKey,
        FAL_BASE_URL: fal.baseUrl,
        DATA_DIR: dataDir,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        FILE_URL_SECRET: 't'.repeat(40),
      }),
      { port: 0 },
    );
  });
  beforeEach(() => {
    elevenlabs.reset();
    fal.reset();
    fal.setOutputKind('video');
  });
  afterEach(async () => expect(await verifyLedger(worker.get(DataSource))).toBeUndefined());
  afterAll(async () => {
    await worker?.close();
    await telegram.close();
    await elevenlabs.close();
    await fal.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function submitVideo(
    credits: number,
    script = 'Salom! Bu mening birinchi videom.',
  ): Promise<{ generation: Generation; userId: string; chatId: string }> {
    const user = await createTestUser(worker, { credits });
    const [character] = (await worker.get(CharactersService).list('female', 'young', 0)).items;
    const generation = await worker.get(GenerationsService).submit({
      userId: user.id,
      model: TALKING_HEAD_VIDEO_MODEL,
      prompt: script,
      options: { voice_id: '21m00Tcm4TlvDq8ikWAM' },
      inputs: [{ type: 'image', storageKey: (await worker.get(CharactersService).get(character.id)).imageKey, contentType: 'image/jpeg' }],
      source: 'bot',
      chatId: user.telegramId,
      language: 'en',
    });
    return { generation, userId: user.id, chatId: user.telegramId };
  }
  const finished = (id: string) =>
    eventually(
      () => worker.get(GenerationsService).get(id),
      (g) => ['succeeded', 'failed', 'cancelled'].includes(g.status),
      20_000,
      100,
    );
  const balance = (userId: string) => worker.get(LedgerService).balance(userId);

  it('speaks the script, makes the portrait speak it, sends the video and charges 1 credit once', async () => {
    const { generation, userId, chatId } = await submitVideo(3);
    expect(generation).toMatchObject({ priceCredits: 1, provider: 'talking-head-chain', providerModel: 'fal-ai/sadtalker', mode: 'talking_head' });
    expect(await balance(userId)).toEqual({ balance: 3, reserved: 1, available: 2 });

    expect((await finished(generation.id)).status).toBe('succeeded');
    expect(elevenlabs.calls('tts')).toHaveLength(1);
    expect(elevenlabs.lastTts()).toMatchObject({ path: '/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM', body: { text: 'Salom! Bu mening birinchi videom.' } });
    const submitted = fal.lastSubmit()!;
    expect(submitted.path).toBe('/fal-ai/sadtalker');
    expect(submitted.body).toEqual({
      source_image_url: expect.stringContaining('/files/characters/'),
      driven_audio_url: expect.stringContaining(`speech/${generation.id}.mp3`),
    });
    const video = await telegram.waitForCall('sendVideo', (c) => String(c.params.chat_id) === chatId);
    expect(video.files[0].size).toBeGreaterThan(0);
    expect(await balance(userId)).toEqual({ balance: 2, reserved: 0, available: 2 });
    // The speech was only the video's input, and goes once the video is stored.
    expect(await worker.get(ObjectStorage).head(`speech/${generation.id}.mp3`)).toBeUndefined();
  });

  it('fails and releases the hold when text to speech refuses, never reaching fal', async () => {
    elevenlabs.failNext('rejected');
    const { generation, userId, chatId } = await submitVideo(3);
    const done = await finished(generation.id);
    expect(done.status).toBe('failed');
    expect(fal.calls('submit')).toHaveLength(0);
    expect(await balance(userId)).toEqual({ balance: 3, reserved: 0, available: 3 });
    await telegram.waitForCall('sendMessage', (c) => String(c.params.chat_id) === chatId);
  });

  it('fails and releases the hold when the video fails at fal, dropping the speech', async () => {
    fal.failNext('job_failed');
    const { generation, userId } = await submitVideo(3);
    expect((await finished(generation.id)).status).toBe('failed');
    expect(elevenlabs.calls('tts')).toHaveLength(1);
    expect(await balance(userId)).toEqual({ balance: 3, reserved: 0, available: 3 });
    expect(await worker.get(ObjectStorage).head(`speech/${generation.id}.mp3`)).toBeUndefined();
  });

  it('resumes after the speech without speaking it again when the video step breaks off, and charges once', async () => {
    // fal down when the video is submitted: the job is retried as after a worker killed between the steps.
    fal.failNext('http500');
    const { generation, userId } = await submitVideo(3);
    expect((await finished(generation.id)).status).toBe('succeeded');
    expect(elevenlabs.calls('tts')).toHaveLength(1);
    expect(fal.calls('submit').map((c) => c.status)).toEqual([500, 200]);
    expect(await balance(userId)).toEqual({ balance: 2, reserved: 0, available: 2 });
  });

  it('refuses a video without a script or a voice, holding nothing', async () => {
    const user = await createTestUser(worker, { credits: 3 });
    const [character] = (await worker.get(CharactersService).list('male', 'elderly', 0)).items;
    const base = {
      userId: user.id,
      model: TALKING_HEAD_VIDEO_MODEL,
      inputs: [{ type: 'image' as const, storageKey: character.imageKey }],
      source: 'bot' as const,
    };
    await expect(worker.get(GenerationsService).submit({ ...base, prompt: ' ', options: { voice_id: 'x' } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(worker.get(GenerationsService).submit({ ...base, prompt: 'Hello' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await balance(user.id)).toEqual({ balance: 3, reserved: 0, available: 3 });
  });
});
