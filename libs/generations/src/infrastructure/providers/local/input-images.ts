import { ProviderInput } from '../../../application/ports/generation-provider';
import { DecodedImage, decodeImage, rejected } from './local-image';

/**
 * The first input image, decoded. The local provider takes bytes (`takes = 'bytes'`): the worker
 * reads them from our storage, so nothing here ever fetches a URL.
 */
export async function firstInputImage(input: ProviderInput): Promise<DecodedImage> {
  const inline = input.images?.[0];
  if (!inline) throw rejected(input.providerModel, 'an input image is required');
  return decodeImage(input.providerModel, inline.data);
}
