import { ProviderError, ProviderInput } from '../../../application/ports/generation-provider';
import { failureOf, imageCount, imagesOf, requestBody } from './gemini-protocol';

describe('Gemini protocol', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const t2i: ProviderInput = { providerModel: 'gemini-2.5-flash-image', mode: 't2i', prompt: 'a fox', options: {} };
  const rejection = (run: () => unknown): ProviderError => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('rejected');
      return error as ProviderError;
    }
    throw new Error('expected a rejection');
  };

  describe('requestBody', () => {
    it('puts the prompt and then each input image inline, asking for text and image output', () => {
      const body = requestBody({ ...t2i, mode: 'i2i', images: [{ data: png, contentType: 'image/png' }], options: { aspect_ratio: '3:4', image_size: '2k' } });

      expect(body).toEqual({
        contents: [{ role: 'user', parts: [{ text: 'a fox' }, { inline_data: { mime_type: 'image/png', data: png.toString('base64') } }] }],
        generationConfig: { responseModalities: ['TEXT', 'IMAGE'], imageConfig: { aspectRatio: '3:4', imageSize: '2K' } },
      });
    });

    it('sends the model instruction ahead of the user prompt, and alone when there is no prompt', () => {
      const image = { data: png, contentType: 'image/png' };
      const parts = (input: Partial<ProviderInput>) =>
        (requestBody({ ...t2i, mode: 'i2i', images: [image], ...input }).contents as { parts: unknown[] }[])[0].parts;

      expect(parts({ instruction: 'Bring it to life.' })[0]).toEqual({ text: 'Bring it to life.\n\na fox' });
      expect(parts({ instruction: 'Bring it to life.', prompt: undefined })[0]).toEqual({ text: 'Bring it to life.' });
    });

    it('takes a tool prompt from the options when the user gave none', () => {
      const body = requestBody({
        providerModel: 'm',
        mode: 'tool',
        images: [{ data: png, contentType: 'image/jpeg' }],
        options: { prompt: 'bring this drawing to life' },
      });

      expect((body.contents as { parts: unknown[] }[])[0].parts[0]).toEqual({ text: 'bring this drawing to life' });
      expect(body.generationConfig).toEqual({ responseModalities: ['TEXT', 'IMAGE'] });
    });

    it.each([
      ['t2i without a prompt', { ...t2i, prompt: ' ' }],
      ['i2i without an image', { ...t2i, mode: 'i2i' as const }],
      ['another mode', { ...t2i, mode: 'tts' as const }],
      ['an input that is not an image', { ...t2i, mode: 'i2i' as const, images: [{ data: png, contentType: 'application/pdf' }] }],
      ['inputs over the request size', { ...t2i, mode: 'i2i' as const, images: [{ data: Buffer.alloc(15 * 1024 * 1024), contentType: 'image/png' }] }],
    ])('rejects %s', (_label, input) => {
      rejection(() => requestBody(input));
    });
  });

  it('reads count as 1 by default, and rejects counts outside 1-8', () => {
    expect(imageCount(t2i)).toBe(1);
    expect(imageCount({ ...t2i, options: { count: 4 } })).toBe(4);
    expect(imageCount({ ...t2i, options: { count: '3' } })).toBe(3);
    for (const count of [0, 9, 1.5, 'many', true]) rejection(() => imageCount({ ...t2i, options: { count } }));
  });

  describe('imagesOf', () => {
    const data = png.toString('base64');

    it('takes every image part in either spelling, skipping thought drafts and text', () => {
      const result = imagesOf({
        candidates: [
          {
            content: {
              parts: [
                { text: 'Here you go' },
                { inlineData: { mimeType: 'image/png', data }, thought: true },
                { inlineData: { mimeType: 'image/png', data } },
                { inline_data: { mime_type: 'image/jpeg', data } },
              ],
            },
            finishReason: 'STOP',
          },
        ],
      });

      expect(result).toEqual({
        outputs: [
          { data: png, contentType: 'image/png' },
          { data: png, contentType: 'image/jpeg' },
        ],
      });
    });

    it.each([
      ['a blocked prompt', { promptFeedback: { blockReason: 'SAFETY' } }, 'gemini: the prompt was blocked (SAFETY)'],
      ['an image stopped by the filters', { candidates: [{ finishReason: 'IMAGE_SAFETY', index: 0 }] }, 'gemini: no image, generation stopped (IMAGE_SAFETY)'],
      [
        'words only',
        { candidates: [{ content: { parts: [{ text: 'I cannot draw that.' }] }, finishReason: 'STOP' }] },
        'gemini: the model answered without an image: "I cannot draw that."',
      ],
      ['nothing at all', {}, 'gemini: the answer has no candidates'],
    ])('fails %s with the reason', (_label, response, reason) => {
      expect(imagesOf(response)).toEqual({ failed: reason });
    });
  });

  describe('failureOf', () => {
    const error = (code: number, status: string, details: unknown[] = []) => ({ error: { code, status, message: 'm', details } });
    const retryInfo = { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36.5s' };
    const quota = (quotaId: string) => ({ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId }] });

    it('reads a 429 per-minute quota as a key to cool for its RetryInfo delay, or Retry-After, or the default', () => {
      expect(failureOf(429, error(429, 'RESOURCE_EXHAUSTED', [quota('GenerateRequestsPerMinutePerProjectPerModel-FreeTier'), retryInfo]), '3')).toMatchObject({
        kind: 'key_rate_limited',
        retryAfterSeconds: 37,
      });
      expect(failureOf(429, error(429, 'RESOURCE_EXHAUSTED'), '3')).toMatchObject({ kind: 'key_rate_limited', retryAfterSeconds: 3 });
      expect(failureOf(429, undefined, null)).toEqual({ kind: 'key_rate_limited', message: 'gemini: 429: no message', retryAfterSeconds: undefined });
    });

    it('reads a 429 on the per-day quota as a key spent for the day, whatever the delay says', () => {
      expect(failureOf(429, error(429, 'RESOURCE_EXHAUSTED', [quota('GenerateRequestsPerDayPerProjectPerModel-FreeTier'), retryInfo]), null).kind).toBe(
        'key_day_quota',
      );
    });

    it.each([
      [400, error(400, 'INVALID_ARGUMENT', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }]), 'key_refused'],
      [403, error(403, 'PERMISSION_DENIED'), 'key_refused'],
      [400, error(400, 'FAILED_PRECONDITION'), 'unavailable'],
      [400, error(400, 'INVALID_ARGUMENT'), 'rejected'],
      [404, error(404, 'NOT_FOUND'), 'rejected'],
      [500, error(500, 'INTERNAL'), 'transient'],
      [503, error(503, 'UNAVAILABLE'), 'transient'],
      [504, undefined, 'transient'],
    ])('reads %i %j as %s', (status, body, kind) => {
      expect(failureOf(status, body, null).kind).toBe(kind);
    });
  });
});
