import { DomainError } from '@genbot/core';
import { fileSignature, FileUrlSigner, verifyFileSignature } from './file-url-signer';

const SECRET = 'a-test-secret-of-at-least-32-characters';
const KEY = 'users/u1/inputs/0b9f2a7e-0d4c-4a43-9c59-3e1f5a0f6d11.png';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.code : String(error);
  }
}

describe('file URL signatures', () => {
  const expires = 2_000_000_000;
  const now = (expires - 60) * 1000;

  it('accepts exactly what was signed', () => {
    const sig = fileSignature(SECRET, { method: 'PUT', key: KEY, expires, contentType: 'image/png' });
    expect(codeOf(() => verifyFileSignature(SECRET, { method: 'PUT', key: KEY, expires, contentType: 'image/png', sig }, now))).toBeUndefined();
  });

  it('refuses any change of method, key, expiry, content type or secret as STORAGE_URL_INVALID', () => {
    const sig = fileSignature(SECRET, { method: 'PUT', key: KEY, expires, contentType: 'image/png' });
    const base = { method: 'PUT' as const, key: KEY, expires, contentType: 'image/png', sig };
    expect(codeOf(() => verifyFileSignature(SECRET, { ...base, method: 'GET', contentType: undefined }, now))).toBe('STORAGE_URL_INVALID');
    expect(codeOf(() => verifyFileSignature(SECRET, { ...base, key: KEY.replace('u1', 'u2') }, now))).toBe('STORAGE_URL_INVALID');
    expect(codeOf(() => verifyFileSignature(SECRET, { ...base, expires: expires + 1 }, now))).toBe('STORAGE_URL_INVALID');
    expect(codeOf(() => verifyFileSignature(SECRET, { ...base, contentType: 'text/html' }, now))).toBe('STORAGE_URL_INVALID');
    expect(codeOf(() => verifyFileSignature(`${SECRET}x`, base, now))).toBe('STORAGE_URL_INVALID');
    expect(codeOf(() => verifyFileSignature(SECRET, { ...base, sig: undefined }, now))).toBe('STORAGE_URL_INVALID');
    expect(codeOf(() => verifyFileSignature(SECRET, { ...base, sig: sig.slice(1) }, now))).toBe('STORAGE_URL_INVALID');
    expect(codeOf(() => verifyFileSignature(SECRET, { ...base, expires: NaN }, now))).toBe('STORAGE_URL_INVALID');
  });

  it('refuses a genuine URL past its expiry as STORAGE_URL_EXPIRED', () => {
    const sig = fileSignature(SECRET, { method: 'GET', key: KEY, expires });
    expect(codeOf(() => verifyFileSignature(SECRET, { method: 'GET', key: KEY, expires, sig }, (expires + 1) * 1000))).toBe('STORAGE_URL_EXPIRED');
  });

  it('resolves its secret once, on first use', () => {
    const resolve = jest.fn(() => SECRET);
    const signer = new FileUrlSigner(resolve);
    expect(resolve).not.toHaveBeenCalled();
    const sig = signer.sign({ method: 'GET', key: KEY, expires });
    signer.verify({ method: 'GET', key: KEY, expires, sig }, now);
    expect(resolve).toHaveBeenCalledTimes(1);
  });
});
