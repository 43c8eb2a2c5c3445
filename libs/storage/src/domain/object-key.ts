import { randomUUID } from 'node:crypto';
import { invalidKey } from './storage.errors';

/** What a stored object is for; the second folder of its key. */
export type ObjectKind = 'inputs' | 'results' | 'avatars' | 'broadcasts';

// One character set for every backend: S3 keys, URL paths and file names all take it unescaped.
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_KEY_LENGTH = 512;

/** `users/{userId}/{kind}/{uuid}.{ext}`: unguessable, and grouped per user so one prefix deletes them all. */
export function objectKey(userId: string, kind: ObjectKind, ext: string): string {
  const key = `users/${userId}/${kind}/${randomUUID()}.${ext.replace(/^\./, '').toLowerCase()}`;
  assertObjectKey(key);
  return key;
}

/**
 * Keys come back to us in URLs, so each adapter checks them before use: relative, `/`-separated
 * segments of safe characters, none starting with a dot (which rules out `.` and `..`).
 */
export function assertObjectKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_LENGTH || !key.split('/').every((segment) => SEGMENT.test(segment)))
    throw invalidKey(String(key));
}
