import { Injectable } from '@nestjs/common';
import { DomainError } from '@genbot/core';
import { ObjectStorage, readCapped } from '@genbot/storage';
import { GenerationProvider, ProviderError, ProviderInput, ProviderOutput, ProviderStatus, SubmitResult } from '../../../application/ports/generation-provider';
import { animateDrawing, denoise, enhance, ImageTool, removeWatermark, restore, upscale } from './image-tools';
import { firstInputImage } from './input-images';
import { encodeImage, localImageSlot, OutputFormat, outputFormat, rejected } from './local-image';
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

/** Where a local job's outputs wait for the worker: `providers/local/<generation id>/…`. */
const PREFIX = 'providers/local';
const MANIFEST = 'manifest.json';
/** Read back by `poll`; our own outputs, so far below the worker's result cap. */
const OUTPUT_MAX_BYTES = 200 * 1024 * 1024;

interface Manifest {
  outputs: { key: string; contentType: string }[];
}

/**
 * The built-in provider: always configured, so `npm start` without any provider key still runs
 * generations end to end. It does real image work with sharp (no AI model), inside `submit`.
 *
 * Its outputs go to object storage under the generation's key before `submit` returns, so a worker
 * that dies after submit (the job resumed by another worker calls `poll`) finds them there, not in
 * the dead process's memory. No manifest means the work never finished: `poll` says `lost`, and the
 * worker submits again (every model is deterministic, so the result is the same).
 */
@Injectable()
export class LocalProvider extends GenerationProvider {
  readonly name = 'local';
  readonly takes = 'bytes' as const;

  constructor(private readonly storage: ObjectStorage) {
    super();
  }

  isConfigured(): boolean {
    return true;
  }

  async submit(input: ProviderInput, idempotencyKey: string): Promise<SubmitResult> {
    const model = LOCAL_MODELS[input.providerModel];
    if (!model) {
      throw rejected(input.providerModel, `unknown local model; known: ${Object.keys(LOCAL_MODELS).join(', ')}`);
    }
    const outputs = await localImageSlot(() => model(input));
    const externalId = `local-${idempotencyKey}`;
    const manifest: Manifest = { outputs: [] };
    for (const [idx, output] of outputs.entries()) {
      const key = `${folder(externalId)}/${idx}`;
      const contentType = output.contentType ?? 'application/octet-stream';
      await this.storage.put(key, output.data!, { contentType });
      manifest.outputs.push({ key, contentType });
    }
    // Written last: its presence says every output is complete.
    await this.storage.put(`${folder(externalId)}/${MANIFEST}`, Buffer.from(JSON.stringify(manifest)), { contentType: 'application/json' });
    return { externalId, status: { state: 'succeeded', outputs } };
  }

  async poll(externalId: string, providerModel: string): Promise<ProviderStatus> {
    const manifest = await this.read(`${folder(externalId)}/${MANIFEST}`);
    if (!manifest) throw new ProviderError('lost', `${providerModel}: local generation ${externalId} has no stored result; submitting again`);
    const { outputs } = JSON.parse(manifest.toString('utf8')) as Manifest;
    const read: ProviderOutput[] = [];
    for (const output of outputs) {
      const data = await this.read(output.key);
      if (!data) throw new ProviderError('lost', `${providerModel}: an output of local generation ${externalId} is gone; submitting again`);
      read.push({ data, contentType: output.contentType });
    }
    return { state: 'succeeded', outputs: read };
  }

  override async discard(externalId: string): Promise<void> {
    const manifest = await this.read(`${folder(externalId)}/${MANIFEST}`);
    if (!manifest) return;
    // The manifest goes first, so a half-discarded job reads as lost, never as a partial result.
    await this.storage.delete(`${folder(externalId)}/${MANIFEST}`);
    for (const output of (JSON.parse(manifest.toString('utf8')) as Manifest).outputs) await this.storage.delete(output.key);
  }

  private async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readCapped((await this.storage.stream(key)).body, OUTPUT_MAX_BYTES);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'STORAGE_NOT_FOUND') return undefined;
      throw new ProviderError('transient', `local: reading ${key} failed (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}

/** The external id is `local-<generation id>`; anything else could not have come from `submit`. */
function folder(externalId: string): string {
  if (!/^local-[\w-]{1,100}$/.test(externalId)) throw new ProviderError('rejected', `local: "${externalId}" is not a local generation id`);
  return `${PREFIX}/${externalId.slice('local-'.length)}`;
}
