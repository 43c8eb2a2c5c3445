import { DomainError } from '@genbot/core';
import { ftyp, imageSample, wav } from '../../test/media-samples';
import { objectKey, assertObjectKey } from './object-key';
import { assertUpload } from './upload';

const MB = 1024 * 1024;

function failure(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('assertUpload', () => {
  it('accepts an image and reports the type its bytes show', async () => {
    const bytes = await imageSample('png');
    expect(assertUpload({ bytes, declaredType: 'image/png', allowed: 'image', maxBytes: MB })).toEqual({
      contentType: 'image/png',
      extension: 'png',
      size: bytes.length,
    });
    // Same family, wrong subtype: harmless, and the stored type is the true one.
    expect(assertUpload({ bytes, declaredType: 'image/jpeg', allowed: 'image', maxBytes: MB }).contentType).toBe('image/png');
  });

  it('rejects a PNG renamed .mp4 and sent as video/mp4, even where images are allowed too', async () => {
    const bytes = await imageSample('png');
    const asVideo = failure(() => assertUpload({ bytes, declaredType: 'video/mp4', allowed: 'video', maxBytes: MB }));
    expect(asVideo.code).toBe('STORAGE_UNSUPPORTED_TYPE');
    expect(asVideo.details).toMatchObject({ declaredType: 'video/mp4', detectedType: 'image/png' });
    expect(failure(() => assertUpload({ bytes, declaredType: 'video/mp4', allowed: ['image', 'video'], maxBytes: MB })).code).toBe('STORAGE_UNSUPPORTED_TYPE');
  });

  it('rejects a family that is not allowed, by bytes and by declaration', () => {
    expect(failure(() => assertUpload({ bytes: wav(), allowed: 'image', maxBytes: MB })).code).toBe('STORAGE_UNSUPPORTED_TYPE');
    expect(failure(() => assertUpload({ bytes: Buffer.from('<svg/>'), declaredType: 'image/svg+xml', allowed: 'image', maxBytes: MB })).code).toBe(
      'STORAGE_UNSUPPORTED_TYPE',
    );
    expect(failure(() => assertUpload({ bytes: Buffer.from([0, 1, 2, 3]), allowed: ['image', 'video', 'audio', 'text'], maxBytes: MB })).code).toBe(
      'STORAGE_UNSUPPORTED_TYPE',
    );
    expect(failure(() => assertUpload({ bytes: Buffer.alloc(0), allowed: 'text', maxBytes: MB })).message).toBe('The file is empty');
  });

  it('lets the bytes decide when the declared type says nothing (octet-stream, missing)', async () => {
    const bytes = await imageSample('png');
    for (const declaredType of ['application/octet-stream', 'binary/octet-stream', 'Application/Octet-Stream; x=1', '', undefined])
      expect(assertUpload({ bytes, declaredType, allowed: 'image', maxBytes: MB })).toEqual({ contentType: 'image/png', extension: 'png', size: bytes.length });
    // Only bytes can speak for a generic type: with size alone it stays unsupported.
    expect(failure(() => assertUpload({ size: 10, declaredType: 'application/octet-stream', allowed: 'image', maxBytes: MB })).code).toBe(
      'STORAGE_UNSUPPORTED_TYPE',
    );
    // Generic bytes of a family that is not allowed are still refused.
    expect(failure(() => assertUpload({ bytes: wav(), declaredType: 'application/octet-stream', allowed: 'image', maxBytes: MB })).code).toBe(
      'STORAGE_UNSUPPORTED_TYPE',
    );
  });

  it('accepts video and text by their bytes', () => {
    expect(assertUpload({ bytes: ftyp('isom', ['isom', 'avc1']), declaredType: 'video/mp4', allowed: ['image', 'video'], maxBytes: MB }).extension).toBe('mp4');
    expect(assertUpload({ bytes: Buffer.from('hello'), declaredType: 'text/plain; charset=utf-8', allowed: 'text', maxBytes: MB }).contentType).toBe(
      'text/plain',
    );
  });

  it('judges the beginning of a larger object by its full size', () => {
    const text = Buffer.from('кот'); // 6 bytes; its first 5 end inside a character
    expect(assertUpload({ bytes: text.subarray(0, 5), size: 600, allowed: 'text', maxBytes: MB })).toEqual({
      contentType: 'text/plain',
      extension: 'txt',
      size: 600,
    });
    expect(failure(() => assertUpload({ bytes: text.subarray(0, 5), allowed: 'text', maxBytes: MB })).code).toBe('STORAGE_UNSUPPORTED_TYPE');
    expect(failure(() => assertUpload({ bytes: wav(), size: 2 * MB, allowed: 'audio', maxBytes: MB })).code).toBe('STORAGE_TOO_LARGE');
  });

  it('refuses anything over the limit with STORAGE_TOO_LARGE, by size alone before reading', async () => {
    const big = failure(() => assertUpload({ size: 20 * MB + 1, declaredType: 'image/png', allowed: 'image', maxBytes: 20 * MB }));
    expect(big.code).toBe('STORAGE_TOO_LARGE');
    expect(big.details).toEqual({ maxBytes: 20 * MB, size: 20 * MB + 1 });
    expect(failure(() => assertUpload({ bytes: Buffer.alloc(2048, 0x61), allowed: 'text', maxBytes: 1024 })).code).toBe('STORAGE_TOO_LARGE');
    expect(assertUpload({ size: 10, declaredType: 'image/jpg', allowed: 'image', maxBytes: 10 })).toEqual({
      contentType: 'image/jpeg',
      extension: 'jpg',
      size: 10,
    });
    expect(failure(() => assertUpload({ size: 10, declaredType: 'application/zip', allowed: 'image', maxBytes: 10 })).code).toBe('STORAGE_UNSUPPORTED_TYPE');
  });
});

describe('object keys', () => {
  it('builds users/{userId}/{kind}/{uuid}.{ext}', () => {
    const key = objectKey('4f6c2a9e-8d7b-4f7e-9a51-0c1d2e3f4a5b', 'results', 'png');
    expect(key).toMatch(/^users\/4f6c2a9e-8d7b-4f7e-9a51-0c1d2e3f4a5b\/results\/[0-9a-f-]{36}\.png$/);
    expect(objectKey('u1', 'inputs', '.JPG')).toMatch(/\/inputs\/[0-9a-f-]{36}\.jpg$/);
  });

  it.each(['../etc/passwd', 'users/../../x', '/etc/passwd', 'users//x', 'users/./x', 'users/.hidden', 'a\\b', 'a/b\0c', '', 'users/x y'])(
    'refuses %j',
    (key) => {
      expect(failure(() => assertObjectKey(key)).code).toBe('STORAGE_KEY_INVALID');
    },
  );

  it('refuses a userId that would add or climb folders', () => {
    expect(failure(() => objectKey('../admin', 'inputs', 'png')).code).toBe('STORAGE_KEY_INVALID');
  });
});
