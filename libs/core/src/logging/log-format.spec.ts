import { PassThrough } from 'node:stream';
import pino from 'pino';
import { AppConfig } from '../config/app-config';
import { logFormat, prettyLogStream } from './logging.module';

const config = (env: Record<string, string>, logStream?: NodeJS.WritableStream) => {
  const loaded = AppConfig.load(env, { readDotenv: false, source: {} });
  return logStream ? loaded.logTo(logStream) : loaded;
};

describe('log format', () => {
  it('is pretty only for a person at a terminal outside production', () => {
    expect(logFormat(config({ NODE_ENV: 'development' }), true)).toBe('pretty');
    expect(logFormat(config({ NODE_ENV: 'development' }), false)).toBe('json');
    expect(logFormat(config({ NODE_ENV: 'production' }), true)).toBe('json');
    expect(logFormat(config({ NODE_ENV: 'development' }, new PassThrough()), true)).toBe('json');
  });

  it('pretty output is one readable line per entry', async () => {
    const lines: string[] = [];
    const out = new PassThrough();
    out.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    pino({ base: { app: 'public-api' } }, prettyLogStream(out)).info({ requestId: 'r1', nested: { a: 1 } }, 'request completed');
    await new Promise((resolve) => setImmediate(resolve));
    const text = lines.join('').replace(/\x1b\[[0-9;]*m/g, ''); // eslint-disable-line no-control-regex
    expect(text.trim().split('\n')).toHaveLength(1);
    expect(text.trim()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: public-api: request completed \{"requestId":"r1","nested":\{"a":1\}\}$/);
  });
});
