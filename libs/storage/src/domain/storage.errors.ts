import { DomainError } from '@genbot/core';

export const tooLarge = (maxBytes: number, size?: number) =>
  new DomainError('STORAGE_TOO_LARGE', `The file is larger than the limit of ${maxBytes} bytes`, { maxBytes, ...(size !== undefined ? { size } : {}) });
export const unsupportedType = (message: string, details: { declaredType?: string; detectedType?: string; allowed: string[] }) =>
  new DomainError('STORAGE_UNSUPPORTED_TYPE', message, details);
export const objectNotFound = (key: string) => new DomainError('STORAGE_NOT_FOUND', 'File not found', { key });
export const invalidKey = (key: string) => new DomainError('STORAGE_KEY_INVALID', 'Invalid file key', { key: key.slice(0, 200) });
export const urlExpired = () => new DomainError('STORAGE_URL_EXPIRED', 'This file link has expired');
export const urlInvalid = () => new DomainError('STORAGE_URL_INVALID', 'This file link is not valid');
