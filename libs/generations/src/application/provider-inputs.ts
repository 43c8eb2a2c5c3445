import { Injectable } from '@nestjs/common';
import { SettingsService } from '@genbot/core';
import { ObjectStorage, readCapped } from '@genbot/storage';
import { Language, preferredLanguage, UsersService } from '@genbot/users';
import type { Generation } from '../domain/generation';
import { instructionFor } from '../domain/model-instructions';
import { CatalogService } from './catalog.service';
import { GenerationProvider, ProviderError, ProviderInput } from './ports/generation-provider';

const INPUT_MAX_BYTES = 25 * 1024 * 1024;
/** Long enough for a provider's queue to reach the job and fetch its inputs. */
const INPUT_URL_SECONDS = 3600;

/**
 * A generation's inputs in the form its provider takes: presigned URLs of our storage for one that
 * fetches them itself, the bytes for one that takes them inline, never both. Client URLs were
 * fetched into storage at submit; the worker never fetches one.
 */
@Injectable()
export class ProviderInputs {
  constructor(
    private readonly storage: ObjectStorage,
    private readonly catalog: CatalogService,
    private readonly settings: SettingsService,
    private readonly users: UsersService,
  ) {}

  async for(generation: Generation, provider: GenerationProvider): Promise<ProviderInput> {
    const keys = generation.inputs.flatMap((input) => {
      // A row from before submit-time fetching: its URL is the client's, and stays unfetched.
      if (input.url && !input.storageKey) throw new ProviderError('rejected', `could not fetch the ${input.type === 'image' ? 'image' : 'file'}`);
      return input.storageKey ? [{ type: input.type, key: input.storageKey }] : [];
    });
    const images = keys.filter((input) => input.type === 'image').map((input) => input.key);
    const audio = keys.find((input) => input.type === 'audio')?.key;
    const base = {
      providerModel: generation.providerModel ?? '',
      mode: generation.mode,
      prompt: generation.prompt ?? undefined,
      instruction: await this.instruction(generation),
    };
    if (provider.takes === 'bytes') {
      return { ...base, options: { ...generation.options }, images: await Promise.all(images.map((key) => this.bytes(key))) };
    }
    const options = { ...generation.options };
    if (audio) options.audio_url = await this.url(audio);
    return { ...base, options, imageUrls: await Promise.all(images.map((key) => this.url(key))) };
  }

  /**
   * The model's fixed instruction, in the language the generation was asked in, else the user's
   * (a service call names none), else English. Read per run so an operator's edit applies at once.
   */
  private async instruction(generation: Generation): Promise<string | undefined> {
    const slug = (await this.catalog.byId(generation.modelId))?.slug;
    if (!slug) return undefined;
    const instructions = await this.settings.get('model_instructions');
    // Most models have none: skip reading the user for them.
    if (!instructionFor(instructions, slug, 'en')) return undefined;
    return instructionFor(instructions, slug, generation.language ?? (await this.userLanguage(generation.userId)));
  }

  private async userLanguage(userId: string): Promise<Language> {
    return preferredLanguage(await this.users.getById(userId).catch(() => undefined), undefined);
  }

  private url(key: string): Promise<string> {
    return this.storage.presignGet(key, { expiresInSeconds: INPUT_URL_SECONDS });
  }

  private async bytes(key: string): Promise<{ data: Buffer; contentType: string }> {
    const { body, contentType } = await this.storage.stream(key);
    return { data: await readCapped(body, INPUT_MAX_BYTES), contentType };
  }
}
