import { execFileSync } from 'node:child_process';
import type { LookupAddress } from 'node:dns';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeImageHost } from '@genbot/testing';
import { DownloadFailed, Resolver, SafeDownloader, SafeDownloaderOptions } from './safe-downloader';

/**
 * Against real sockets on loopback. Loopback is exactly what the downloader refuses, so the
 * "public" names here are mapped to 127.0.0.1 by an injected resolver: `images.test` is
 * allow-listed (as a developer's host would be), `public.test` is not. None of these names exist
 * in real DNS, so a download that succeeds proves the connection went to the vetted address and
 * was not resolved a second time.
 */
describe('SafeDownloader', () => {
  let host: FakeImageHost;
  const names: Record<string, string[]> = {
    'images.test': ['127.0.0.1'],
    'public.test': ['127.0.0.1'],
    'internal.test': ['10.0.0.5'],
    'mixed.test': ['93.184.216.34', '192.168.0.10'],
    'far.test': ['93.184.216.34'],
  };
  let lookups: string[];
  const resolve: Resolver = async (name) => {
    lookups.push(name);
    const addresses = names[name];
    if (!addresses) throw new Error(`ENOTFOUND ${name}`);
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const downloader = (options: Partial<SafeDownloaderOptions> = {}) =>
    new SafeDownloader({ allowHttpHosts: ['images.test'], timeoutMs: 5_000, minBytesPerSecond: 1, rateGraceMs: 5_000, resolve, ...options });
  const fails = async (promise: Promise<unknown>, reason: DownloadFailed['reason']) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DownloadFailed);
    expect((error as DownloadFailed).reason).toBe(reason);
    // Whatever went wrong, the client-facing side says the same and carries nothing else.
    expect(error).toMatchObject({ code: 'STORAGE_FETCH_FAILED', message: 'could not fetch the file', details: undefined });
  };

  beforeAll(async () => {
    host = await FakeImageHost.start();
  });
  beforeEach(() => {
    lookups = [];
  });
  afterAll(() => host.close());

  it('fetches from an allow-listed host over plain http, connecting to the address it vetted', async () => {
    const { data, contentType } = await downloader().download(host.url('/image.png', 'images.test'), { maxBytes: 1024 });
    expect(data.equals(host.png)).toBe(true);
    expect(contentType).toBe('image/png');
    expect(lookups).toEqual(['images.test']);
    expect(host.requestsTo('/image.png').at(-1)!.host).toMatch(/^images\.test:\d+$/);
  });

  it('refuses plain http to any other host, before any lookup', async () => {
    await fails(downloader().download(host.url('/image.png', 'far.test'), { maxBytes: 1024 }), 'scheme');
    await fails(downloader().download(host.url('/image.png'), { maxBytes: 1024 }), 'scheme');
    expect(lookups).toEqual([]);
  });

  it.each([['ftp://images.test/a.png'], ['file:///etc/passwd'], ['data:image/png;base64,iVBORw0KGgo='], ['gopher://images.test/'], ['javascript:alert(1)']])(
    'refuses the scheme of %s',
    async (url) => {
      await fails(downloader().download(url, { maxBytes: 1024 }), 'scheme');
    },
  );

  it('refuses what is not an absolute URL', async () => {
    await fails(downloader().download('abc', { maxBytes: 1024 }), 'invalid_url');
    await fails(downloader().download('/image.png', { maxBytes: 1024 }), 'invalid_url');
  });

  it.each([
    ['https://public.test/image.png'],
    ['https://internal.test/image.png'],
    ['https://mixed.test/image.png'],
    ['https://127.0.0.1/'],
    ['https://2130706433/'],
    ['https://0x7f.1/'],
    ['https://[::1]/'],
    ['https://[::ffff:127.0.0.1]/'],
    ['https://[::ffff:7f00:1]/'],
    ['https://169.254.169.254/latest/meta-data/'],
    ['https://[fd00:ec2::254]/'],
    ['https://100.100.100.200/'],
    ['https://0.0.0.0/'],
  ])('refuses %s: a private, loopback or metadata address', async (url) => {
    await fails(downloader().download(url, { maxBytes: 1024 }), 'blocked_address');
  });

  it('refuses a redirect from an allowed host to loopback or a private address, without following it', async () => {
    const before = host.requests.length;
    const to = (target: string) => host.url(`/redirect?to=${encodeURIComponent(target)}`, 'images.test');
    await fails(downloader().download(to(host.url('/image.png')), { maxBytes: 1024 }), 'scheme');
    await fails(downloader().download(to(host.url('/image.png').replace('http:', 'https:')), { maxBytes: 1024 }), 'blocked_address');
    await fails(downloader().download(to('https://internal.test/image.png'), { maxBytes: 1024 }), 'blocked_address');
    await fails(downloader().download(to('https://[::ffff:127.0.0.1]/'), { maxBytes: 1024 }), 'blocked_address');
    // Only the three redirecting requests reached the server; none of their targets did.
    expect(host.requests.slice(before).map((r) => r.path.split('?')[0])).toEqual(['/redirect', '/redirect', '/redirect', '/redirect']);
  });

  it('follows up to three redirects, re-checking each, and refuses a fourth', async () => {
    expect((await downloader().download(host.url('/hops/3', 'images.test'), { maxBytes: 1024 })).data.equals(host.png)).toBe(true);
    expect(lookups).toEqual(['images.test', 'images.test', 'images.test', 'images.test']);
    await fails(downloader().download(host.url('/hops/4', 'images.test'), { maxBytes: 1024 }), 'redirects');
  });

  it('stops reading past the size cap when no length was declared', async () => {
    await fails(downloader().download(host.url('/big?bytes=1000000', 'images.test'), { maxBytes: 64 * 1024 }), 'too_large');
    expect((await downloader().download(host.url('/big?bytes=16384', 'images.test'), { maxBytes: 64 * 1024 })).data.length).toBe(8 + 16384);
  });

  it('refuses a declared length over the cap without waiting for the body', async () => {
    await fails(downloader({ timeoutMs: 60_000 }).download(host.url('/declared?bytes=10000000', 'images.test'), { maxBytes: 64 * 1024 }), 'too_large');
  });

  it('answers any status but 200 as a failure', async () => {
    await fails(downloader().download(host.url('/status/404', 'images.test'), { maxBytes: 1024 }), 'status');
    await fails(downloader().download(host.url('/status/500', 'images.test'), { maxBytes: 1024 }), 'status');
    await fails(downloader().download(host.url('/status/304', 'images.test'), { maxBytes: 1024 }), 'status');
  });

  // The two below wait for real time, but only the few hundred milliseconds the limits are set to.
  it('gives up on a server that never answers at the deadline', async () => {
    const started = Date.now();
    await fails(downloader({ timeoutMs: 300 }).download(host.url('/hang', 'images.test'), { maxBytes: 1024 }), 'timeout');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('cuts off a drip feed below the minimum rate', async () => {
    await fails(
      downloader({ minBytesPerSecond: 1_000, rateGraceMs: 200, timeoutMs: 10_000 }).download(host.url('/drip', 'images.test'), { maxBytes: 1024 * 1024 }),
      'too_slow',
    );
    // And the overall deadline catches a drip that the rate check would tolerate.
    await fails(
      downloader({ minBytesPerSecond: 1, rateGraceMs: 200, timeoutMs: 400 }).download(host.url('/drip', 'images.test'), { maxBytes: 1024 * 1024 }),
      'timeout',
    );
  });

  it('reports a closed port like any other failure', async () => {
    await fails(downloader().download('http://images.test:1/image.png', { maxBytes: 1024 }), 'connect');
  });

  describe('over https', () => {
    let tlsHost: FakeImageHost;
    let dir: string;
    let cert: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'genbot-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=images.test',
          '-addext',
          'subjectAltName=DNS:images.test,DNS:public.test',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
      tlsHost = await FakeImageHost.start({ tls: { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert } });
    });
    afterAll(async () => {
      await tlsHost.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps the name for SNI, the certificate check and Host while connecting to the vetted address', async () => {
      const { data } = await downloader({ ca: cert }).download(tlsHost.url('/image.png', 'images.test'), { maxBytes: 1024 });
      expect(data.equals(tlsHost.png)).toBe(true);
      expect(tlsHost.requests.at(-1)).toMatchObject({ servername: 'images.test', host: expect.stringMatching(/^images\.test:\d+$/) });
    });

    it('refuses an https host that resolves to loopback before any handshake', async () => {
      const before = tlsHost.requests.length;
      await fails(downloader({ ca: cert }).download(tlsHost.url('/image.png', 'public.test'), { maxBytes: 1024 }), 'blocked_address');
      expect(tlsHost.requests.length).toBe(before);
    });
  });
});
