import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { TEST_API_KEY, freePort, testConfig } from '@genbot/testing';
import { bootstrapPublicApi } from '../src/bootstrap';

const MB = 1024 * 1024;
const PARALLEL = 20;
const FILE_BYTES = 19 * MB;
const BOUNDARY = 'genbot-memory-boundary';

/**
 * Hardening issue 7, item 4: twenty parallel 19 MB uploads once added ~500 MB of RSS, because
 * each file was read into one Buffer. Streamed to a temporary file and on to storage, the growth
 * is a few stream buffers per upload. Client and server share this process, so the client
 * streams its bodies too (one reused 64 KB chunk) and does not blur the figure.
 */
describe('public-api: upload memory', () => {
  let api: NestFastifyApplication;
  let port: number;
  let dataDir: string;
  let png: Buffer;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'genbot-upload-mem-'));
    port = await freePort();
    const config = testConfig({
      DATA_DIR: dataDir,
      PUBLIC_API_PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      FILE_URL_SECRET: 'm'.repeat(40),
      UPLOAD_MAX_BYTES: String(20 * MB),
    });
    api = await bootstrapPublicApi(config, { port });
    png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } })
      .png()
      .toBuffer();
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** POST /api/v1/data with a PNG header and FILE_BYTES in all, written chunk by chunk. */
  function upload(): Promise<number> {
    const head = Buffer.from(
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="type"\r\n\r\nimage\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    const padding = FILE_BYTES - png.length;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/data',
          headers: {
            'x-api-key': TEST_API_KEY,
            'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
            'content-length': head.length + png.length + padding + tail.length,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.write(head);
      req.write(png);
      let left = padding;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(chunk.length, left);
          left -= n;
          if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
        }
        req.end(tail);
      };
      pump();
    });
  }

  it(`stores ${PARALLEL} parallel ${FILE_BYTES / MB} MB uploads with bounded RSS growth`, async () => {
    // A warm-up upload, so code paths and pools are loaded before the baseline.
    expect(await upload()).toBe(201);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = Date.now();
    const statuses = await Promise.all(Array.from({ length: PARALLEL }, () => upload())).finally(() => clearInterval(sampler));
    peak = Math.max(peak, process.memoryUsage().rss);
    const growthMb = (peak - baseline) / MB;
    console.log(
      `${PARALLEL} × ${FILE_BYTES / MB} MB uploads in ${Date.now() - started} ms: RSS ${Math.round(baseline / MB)} MB → peak ${Math.round(peak / MB)} MB (+${growthMb.toFixed(1)} MB)`,
    );
    expect(statuses).toEqual(Array(PARALLEL).fill(201));
    expect(growthMb).toBeLessThan(150);
  }, 120_000);
});
