import { ProviderError, ProviderInput } from '../../../application/ports/generation-provider';
import { DecodedImage, decodeImage, rejected } from './local-image';

export const FETCH_TIMEOUT_MS = 15_000;
export const MAX_INPUT_BYTES = 20 * 1024 * 1024;

/**
 * The first input image, decoded. The worker normally passes the bytes; a caller that only has
 * URLs (presigned GETs of our storage) gets them fetched here.
 */
export async function firstInputImage(input: ProviderInput): Promise<DecodedImage> {
  const inline = input.images?.[0];
  if (inline) return decodeImage(input.providerModel, inline.data);
  const url = input.imageUrls?.[0];
  if (!url) throw rejected(input.providerModel, 'an input image is required');
  return decodeImage(input.providerModel, await fetchImage(input.providerModel, url));
}

async function fetchImage(model: string, url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (error) {
    throw new ProviderError('transient', `${model}: could not fetch the input image (${describe(error)})`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    // A timeout, a throttle or a storage outage may pass; anything else about this URL will not.
    const kind = response.status >= 500 || response.status === 408 || response.status === 429 ? 'transient' : 'rejected';
    throw new ProviderError(kind, `${model}: fetching the input image answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_INPUT_BYTES) {
    await response.body?.cancel();
    throw tooLarge(model);
  }
  // The declared length may be absent or wrong, so count what actually arrives.
  const chunks: Buffer[] = [];
  let received = 0;
  try {
    for await (const chunk of response.body ?? []) {
      received += chunk.byteLength;
      // Leaving the loop cancels the stream, so the rest is never downloaded.
      if (received > MAX_INPUT_BYTES) throw tooLarge(model);
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError('transient', `${model}: reading the input image failed (${describe(error)})`);
  }
  return Buffer.concat(chunks);
}

function tooLarge(model: string): ProviderError {
  return rejected(model, `the input image is larger than ${MAX_INPUT_BYTES / 1024 / 1024} MB`);
}

function describe(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${FETCH_TIMEOUT_MS / 1000} s`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return error instanceof Error ? `${error.message}${cause}` : String(error);
}
