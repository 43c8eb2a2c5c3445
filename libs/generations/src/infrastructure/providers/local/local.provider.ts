import { Injectable } from '@nestjs/common';
import {
  GenerationProvider,
  ProviderError,
  ProviderInput,
  ProviderOutput,
  ProviderStatus,
  SubmitResult,
} from '../../../application/ports/generation-provider';
import { animateDrawing, denoise, enhance, ImageTool, removeWatermark, restore, upscale } from './image-tools';
import { firstInputImage } from './input-images';
import { encodeImage, OutputFormat, outputFormat, rejected } from './local-image';
import { renderPrompt } from './text-to-image';

type LocalModel = (input: ProviderInput) => Promise<ProviderOutput[]>;

/** Tools keep the input's format unless `output_format` says otherwise. */
function imageTool(tool: ImageTool, fallback?: OutputFormat): LocalModel {
  return async (input) => {
    outputFormat(input, 'png'); // refuse a bad value before fetching anything
    const work = tool(input);
    const { image, format } = await firstInputImage(input);
    const chosen = outputFormat(input, fallback ?? format ?? 'png');
    const results = await work(image);
    const outputs: ProviderOutput[] = [];
    for (const result of results) outputs.push(await encodeImage(result, chosen));
    return outputs;
  };
}

/** `providerModel` values of the `local` provider, as the catalog refers to them. */
export const LOCAL_MODELS: Record<string, LocalModel> = {
  'local/text-to-image': async (input) => [await encodeImage(await renderPrompt(input), outputFormat(input, 'png'))],
  'local/upscale': imageTool(upscale),
  'local/denoise': imageTool(denoise),
  'local/restore': imageTool(restore),
  'local/enhance': imageTool(enhance),
  'local/watermark-remove': imageTool(removeWatermark),
  'local/animate-drawing': imageTool(animateDrawing, 'png'),
};

/** Keeps recent results for a `poll` after `submit`, within a memory budget. */
const KEPT_RESULTS = 16;
const KEPT_BYTES = 64 * 1024 * 1024;

/**
 * The built-in provider: always configured, so `npm start` without any provider key still runs
 * generations end to end. It does real image work with sharp (no AI model), inside `submit`.
 */
@Injectable()
export class LocalProvider extends GenerationProvider {
  readonly name = 'local';
  private readonly recent = new Map<string, { status: ProviderStatus; bytes: number }>();

  isConfigured(): boolean {
    return true;
  }

  async submit(input: ProviderInput, idempotencyKey: string): Promise<SubmitResult> {
    const model = LOCAL_MODELS[input.providerModel];
    if (!model) {
      throw rejected(input.providerModel, `unknown local model; known: ${Object.keys(LOCAL_MODELS).join(', ')}`);
    }
    const outputs = await model(input);
    // Every model is deterministic, so a resubmission under the same key yields the same result.
    const externalId = `local-${idempotencyKey}`;
    const status: ProviderStatus = { state: 'succeeded', outputs };
    this.keep(externalId, status, outputs.reduce((sum, output) => sum + (output.data?.byteLength ?? 0), 0));
    return { externalId, status };
  }

  async poll(externalId: string, providerModel: string): Promise<ProviderStatus> {
    const kept = this.recent.get(externalId);
    if (!kept) {
      throw new ProviderError('rejected', `${providerModel}: unknown local generation ${externalId}; local results are returned by submit and kept only briefly`);
    }
    return kept.status;
  }

  private keep(externalId: string, status: ProviderStatus, bytes: number): void {
    this.recent.delete(externalId);
    if (bytes > KEPT_BYTES) return;
    this.recent.set(externalId, { status, bytes });
    let total = 0;
    for (const entry of this.recent.values()) total += entry.bytes;
    // A Map iterates in insertion order, so the first key is the oldest.
    while (this.recent.size > KEPT_RESULTS || total > KEPT_BYTES) {
      const [oldest, entry] = this.recent.entries().next().value!;
      this.recent.delete(oldest);
      total -= entry.bytes;
    }
  }
}
