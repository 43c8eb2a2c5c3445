import { Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { DomainError, InjectRedis } from '@genbot/core';
import { CharacterAge, CharacterGender, Page, WIZARD_PAGE_SIZE, isCharacterAge, isCharacterGender, pageOf, voiceSuits } from '../domain/talking-head';
import { ElevenLabsAdapter, ElevenLabsVoice } from '../infrastructure/providers/elevenlabs/elevenlabs.adapter';

/** A voice the wizard offers, with the sample the user listens to before choosing. */
export interface Voice {
  voiceId: string;
  name: string;
  gender?: string;
  age?: string;
  accent?: string;
  previewUrl?: string;
}

const CACHE_KEY = 'genbot:elevenlabs:voices';
/** The account's voices change when someone adds one in ElevenLabs' dashboard: rarely. */
const CACHE_SECONDS = 3600;

/**
 * The ElevenLabs voices that suit a character (seed 000's `list_voice_samples(gender, age)`), five
 * to a page. The list is kept in Redis for an hour, so every bot replica and worker asks ElevenLabs
 * once an hour between them rather than once per wizard step.
 */
@Injectable()
export class VoicesService {
  constructor(
    private readonly elevenlabs: ElevenLabsAdapter,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  isConfigured(): boolean {
    return this.elevenlabs.isConfigured();
  }

  async list(gender: string, age: string, page = 0): Promise<Page<Voice>> {
    const [g, a] = assertKind(gender, age);
    return pageOf(await this.suiting(g, a), page);
  }

  /** The voice, if the account still has it (a remembered one may have been deleted since). */
  async find(voiceId: string): Promise<Voice | undefined> {
    return (await this.all()).find((voice) => voice.voiceId === voiceId);
  }

  /** Where `voiceId` sits in the list for this character, so the wizard opens on the page of the user's last voice. */
  async pageOfVoice(gender: string, age: string, voiceId: string): Promise<number | undefined> {
    const [g, a] = assertKind(gender, age);
    const index = (await this.suiting(g, a)).findIndex((voice) => voice.voiceId === voiceId);
    return index < 0 ? undefined : Math.floor(index / WIZARD_PAGE_SIZE);
  }

  private async suiting(gender: CharacterGender, age: CharacterAge): Promise<Voice[]> {
    return (await this.all()).filter((voice) => voiceSuits({ gender: voice.gender ?? '', age: voice.age ?? '' }, gender, age));
  }

  private async all(): Promise<Voice[]> {
    const cached = await this.redis.get(CACHE_KEY);
    if (cached) return JSON.parse(cached) as Voice[];
    const voices = (await this.elevenlabs.listVoices()).map(toVoice);
    await this.redis.set(CACHE_KEY, JSON.stringify(voices), 'EX', CACHE_SECONDS);
    return voices;
  }
}

function toVoice(voice: ElevenLabsVoice): Voice {
  return {
    voiceId: voice.voiceId,
    name: voice.name,
    gender: voice.labels.gender,
    age: voice.labels.age,
    accent: voice.labels.accent,
    previewUrl: voice.previewUrl,
  };
}

function assertKind(gender: string, age: string): [CharacterGender, CharacterAge] {
  if (!isCharacterGender(gender) || !isCharacterAge(age))
    throw new DomainError('VALIDATION_FAILED', 'gender must be male or female, age young or elderly', {
      fields: [{ field: isCharacterGender(gender) ? 'age' : 'gender', problems: ['invalid'] }],
    });
  return [gender, age];
}
