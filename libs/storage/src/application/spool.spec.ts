import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { readHead, SNIFF_BYTES, spoolToTempFile } from './spool';

function chunks(total: number, size = 1000): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return this.push(null);
      const n = Math.min(size, total - sent);
      this.push(Buffer.alloc(n, sent % 251));
      sent += n;
    },
  });
}

describe('spoolToTempFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'genbot-spool-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the whole file on disk and its first bytes in memory, until disposed', async () => {
    const spooled = await spoolToTempFile(chunks(10_000), { maxBytes: 10_000, dir });
    expect(spooled.size).toBe(10_000);
    expect(spooled.head.length).toBe(SNIFF_BYTES);
    const onDisk = await readFile(spooled.path);
    expect(onDisk.length).toBe(10_000);
    expect(onDisk.subarray(0, SNIFF_BYTES)).toEqual(spooled.head);
    const replayed: Buffer[] = [];
    for await (const chunk of spooled.open()) replayed.push(chunk as Buffer);
    expect(Buffer.concat(replayed)).toEqual(onDisk);
    await spooled.dispose();
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails STORAGE_TOO_LARGE one byte past the cap and leaves no file behind', async () => {
    await expect(spoolToTempFile(chunks(10_001), { maxBytes: 10_000, dir })).rejects.toMatchObject({
      code: 'STORAGE_TOO_LARGE',
      details: { maxBytes: 10_000 },
    });
    expect(await readdir(dir)).toEqual([]);
    // A producer that enforced the cap itself (busboy truncates) fails the same way.
    await expect(spoolToTempFile(chunks(100), { maxBytes: 10_000, dir, isTruncated: () => true })).rejects.toMatchObject({ code: 'STORAGE_TOO_LARGE' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails, instead of hanging, on a source that was already closed', async () => {
    const closed = chunks(10);
    closed.destroy();
    await expect(spoolToTempFile(closed, { maxBytes: 100, dir })).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('reads only the head of a stream', async () => {
    const head = await readHead(chunks(1_000_000), 5000);
    expect(head.length).toBe(5000);
    expect((await readHead(chunks(10))).length).toBe(10);
  });
});
