import type { TestingModule } from '@nestjs/testing';
import Redis from 'ioredis';
import { REDIS } from '@genbot/core';
import { FakeElevenLabs, createIntegrationModule } from '@genbot/testing';
import { GenerationsModule } from '../generations.module';
import { VoicesService } from './voices.service';

/** The ElevenLabs voices that suit a character, from `GET /v1/voices`, cached in Redis for every process. */
describe('VoicesService against the ElevenLabs fake and Redis', () => {
  let fake: FakeElevenLabs;
  let moduleRef: TestingModule;
  let voices: VoicesService;
  let redis: Redis;

  beforeAll(async () => {
    fake = await FakeElevenLabs.start();
    moduleRef = await createIntegrationModule([GenerationsModule], { ELEVENLABS_API_KEY: fake.apiKey, ELEVENLABS_BASE_URL: fake.baseUrl });
    voices = moduleRef.get(VoicesService);
    redis = moduleRef.get(REDIS);
  });
  beforeEach(async () => {
    await redis.del('genbot:elevenlabs:voices');
    fake.reset();
  });
  afterAll(async () => {
    await moduleRef.close();
    await fake.close();
  });

  it('pages the voices of a gender and age five at a time, each with its preview', async () => {
    const first = await voices.list('female', 'young', 0);
    expect(first).toMatchObject({ page: 0, pages: 2, total: 6, hasNext: true, hasPrevious: false });
    expect(first.items.map((v) => v.name)).toEqual(['Rachel', 'Sarah', 'Elli', 'Dorothy', 'Grace']);
    expect(first.items[0]).toEqual({
      voiceId: '21m00Tcm4TlvDq8ikWAM',
      name: 'Rachel',
      gender: 'female',
      age: 'young',
      accent: 'american',
      previewUrl: `${fake.baseUrl}/previews/21m00Tcm4TlvDq8ikWAM.mp3`,
    });
    const second = await voices.list('female', 'young', 1);
    expect(second.items.map((v) => v.name)).toEqual(['Nicole']);
    expect(await voices.pageOfVoice('female', 'young', 'piTKgcLEGmPE4e6mEKli')).toBe(1);
  });

  it('gives an elderly character the old and middle-aged voices of its gender', async () => {
    expect((await voices.list('male', 'elderly')).items.map((v) => v.name)).toEqual(['Adam', 'Bill']);
    expect((await voices.list('female', 'elderly')).items.map((v) => v.name)).toEqual(['Agnes']);
    expect((await voices.list('male', 'young')).items.map((v) => v.name)).toEqual(['Antoni', 'Josh']);
  });

  // The adapter keeps its own copy for 10 minutes: processes that never listed voices show what Redis saves.
  const newProcess = () => createIntegrationModule([GenerationsModule], { ELEVENLABS_API_KEY: fake.apiKey, ELEVENLABS_BASE_URL: fake.baseUrl });

  it('asks ElevenLabs once for every process, through Redis, until the cache expires', async () => {
    const [one, other] = [await newProcess(), await newProcess()];
    try {
      await one.get(VoicesService).list('male', 'young');
      await other.get(VoicesService).list('female', 'elderly');
      expect(await other.get(VoicesService).find('pqHfZKP75CyOlfNNkjwa')).toMatchObject({ name: 'Bill' });
      expect(fake.calls('voices')).toHaveLength(1);
      const ttl = await redis.ttl('genbot:elevenlabs:voices');
      expect(ttl).toBeGreaterThan(3500);
      expect(ttl).toBeLessThanOrEqual(3600);
    } finally {
      await one.close();
      await other.close();
    }
  });

  it('remembers no failure: the next call asks again', async () => {
    const fresh = await newProcess();
    try {
      fake.failNext('http500', { on: 'voices' });
      await expect(fresh.get(VoicesService).list('male', 'young')).rejects.toMatchObject({ kind: 'transient' });
      expect(await redis.exists('genbot:elevenlabs:voices')).toBe(0);
      expect((await fresh.get(VoicesService).list('male', 'young')).total).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it('refuses a gender or age the wizard does not have', async () => {
    await expect(voices.list('robot', 'young')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
