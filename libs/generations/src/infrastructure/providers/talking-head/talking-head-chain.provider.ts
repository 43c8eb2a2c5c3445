import { Injectable } from '@nestjs/common';
import { ObjectStorage } from '@genbot/storage';
import {
  GenerationProvider,
  ProviderError,
  ProviderErrorKind,
  ProviderInput,
  ProviderStatus,
  SubmitResult,
} from '../../../application/ports/generation-provider';
import { ElevenLabsAdapter } from '../elevenlabs/elevenlabs.adapter';
import { FalAdapter } from '../fal/fal.adapter';

const TTS_MODEL = 'eleven_multilingual_v2';
/** Long enough for fal's queue to reach the job and fetch the audio. */
const AUDIO_URL_SECONDS = 3600;
/** The speech is the first of two steps: the progress message moves once it is done. */
const SPEECH_DONE_PROGRESS = 30;
const VIDEO_RUNNING_PROGRESS = 60;
/** fal errors after which the generation fails rather than being retried. */
const FINAL_ERRORS: ProviderErrorKind[] = ['rejected', 'insufficient_balance', 'unavailable'];

/**
 * Seed 000's video as one generation: the script spoken by ElevenLabs, then the character's
 * portrait made to speak it by fal's talking-head model, under the generation's one hold. The
 * runner sees one provider job: `submit` runs the speech and enqueues the video, `poll` follows
 * the video. A worker killed between the steps loses nothing and pays nothing twice: the speech is
 * stored under a key fixed by the generation id, so the retried `submit` finds it and goes on to
 * the video; one killed after the video was enqueued resumes polling from the stored external id
 * (one killed in between submits the video again, as every fal model would: fal takes no
 * idempotency key). The user's hold is captured once whatever happens, by the runner.
 */
@Injectable()
export class TalkingHeadChainProvider extends GenerationProvider {
  readonly name = 'talking-head-chain';
  readonly takes = 'urls' as const;

  constructor(
    private readonly elevenlabs: ElevenLabsAdapter,
    private readonly fal: FalAdapter,
    private readonly storage: ObjectStorage,
  ) {
    super();
  }

  isConfigured(): boolean {
    return this.elevenlabs.isConfigured() && this.fal.isConfigured();
  }

  async submit(input: ProviderInput, generationId: string): Promise<SubmitResult> {
    if (input.mode !== 'talking_head') throw new ProviderError('rejected', `talking head: mode ${input.mode} is not supported`);
    const image = input.imageUrls?.[0];
    if (!image) throw new ProviderError('rejected', 'talking head: the character image is missing');
    const audioUrl = await this.speech(input, generationId);
    const video = await this.fal
      .submit({ providerModel: input.providerModel, mode: 'talking_head', options: { source_image_url: image, driven_audio_url: audioUrl } }, generationId)
      .catch(async (error: unknown) => {
        // A refusal ends the generation: the speech will not be needed. Anything else is retried with it.
        if (error instanceof ProviderError && FINAL_ERRORS.includes(error.kind)) await this.dropSpeech(generationId);
        throw error;
      });
    const status: ProviderStatus = video.status.state === 'running' ? { state: 'running', progress: SPEECH_DONE_PROGRESS } : video.status;
    return { externalId: `${generationId}~${video.externalId}`, status };
  }

  async poll(externalId: string, providerModel: string): Promise<ProviderStatus> {
    const status = await this.fal.poll(falRequestOf(externalId), providerModel);
    if (status.state === 'failed') await this.dropSpeech(externalId.split('~')[0]);
    return status.state === 'running' ? { state: 'running', progress: Math.max(VIDEO_RUNNING_PROGRESS, status.progress ?? 0) } : status;
  }

  /** The speech was only the video's input: once the video is stored, it goes. */
  override async discard(externalId: string): Promise<void> {
    await this.dropSpeech(externalId.split('~')[0]);
  }

  override async hasBalance(): Promise<boolean> {
    return (await this.elevenlabs.hasBalance()) && (await this.fal.hasBalance());
  }

  /** The speech's URL for fal, speaking it first unless an earlier attempt at this generation did. */
  private async speech(input: ProviderInput, generationId: string): Promise<string> {
    const key = speechKey(generationId);
    if (!(await this.storage.head(key))) {
      const spoken = await this.elevenlabs.submit(
        { providerModel: TTS_MODEL, mode: 'tts', prompt: input.prompt, options: { voice_id: input.options.voice_id } },
        generationId,
      );
      const audio = spoken.status.state === 'succeeded' ? spoken.status.outputs[0] : undefined;
      if (!audio?.data) throw new ProviderError('transient', 'talking head: text to speech answered no audio');
      await this.storage.put(key, audio.data, { contentType: audio.contentType ?? 'audio/mpeg' });
    }
    return this.storage.presignGet(key, { expiresInSeconds: AUDIO_URL_SECONDS });
  }

  /** Best effort: a leftover speech file is only wasted space. */
  private async dropSpeech(generationId: string): Promise<void> {
    if (generationId) await this.storage.delete(speechKey(generationId)).catch(() => undefined);
  }
}

/** Fixed per generation, so a retried submit finds the speech its predecessor paid for. */
function speechKey(generationId: string): string {
  return `speech/${generationId}.mp3`;
}

function falRequestOf(externalId: string): string {
  const request = externalId.split('~')[1];
  if (!request) throw new ProviderError('lost', `talking head: ${externalId} names no video request`);
  return request;
}
