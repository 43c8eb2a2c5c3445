import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress, LookupOneOptions } from 'node:dns';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { DomainError } from '@genbot/core';
import { isIpLiteral, isPublicAddress, stripBrackets } from '../domain/address-policy';

/** Why a download failed: for our logs only. Clients get one message whatever the reason. */
export type DownloadFailure = 'invalid_url' | 'scheme' | 'dns' | 'blocked_address' | 'connect' | 'status' | 'redirects' | 'too_large' | 'timeout' | 'too_slow';

/**
 * A download that failed. The client-facing message is the same for every reason (and there are
 * no details), so that the answer never tells an open port from a closed one, a 404 from a
 * non-image: otherwise we would be a free scanner of whatever the server can reach.
 */
export class DownloadFailed extends DomainError {
  constructor(
    readonly reason: DownloadFailure,
    /** The internal story (address, status, bytes): log it, never return it. */
    readonly why: string,
  ) {
    super('STORAGE_FETCH_FAILED', 'could not fetch the file');
  }
}

export type Resolver = (host: string) => Promise<LookupAddress[]>;

export interface SafeDownloaderOptions {
  /** Hosts allowed over plain http and exempt from the address check: development and tests only. */
  allowHttpHosts: string[];
  /** The whole download, redirects included. */
  timeoutMs: number;
  /** Below this average rate, once `rateGraceMs` have passed, the download is abandoned. */
  minBytesPerSecond: number;
  rateGraceMs?: number;
  maxRedirects?: number;
  /** DNS; the system resolver by default. Tests map names to loopback with it. */
  resolve?: Resolver;
  /** Extra trusted certificate authority (a test's self-signed server). */
  ca?: string | Buffer;
}

export interface Downloaded {
  data: Buffer;
  /** What the server said; only a claim, the caller sniffs the bytes. */
  contentType: string | null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

/**
 * The one way genbot fetches a URL a client gave it. https only (plain http for allow-listed
 * development hosts); the name is resolved here and every address must be public, then the
 * connection goes to exactly those vetted addresses (a second lookup could answer differently:
 * DNS rebinding); each redirect is vetted again, at most `maxRedirects`; one deadline covers
 * everything, a drip-feed below the minimum rate is cut off, and the body is counted as it
 * arrives against the cap, whatever Content-Length claims. No Accept-Encoding is sent, so the
 * cap counts real bytes, not a compressed bomb.
 */
export class SafeDownloader {
  private readonly allowHttp: Set<string>;
  private readonly resolve: Resolver;

  constructor(private readonly options: SafeDownloaderOptions) {
    this.allowHttp = new Set(options.allowHttpHosts.map((host) => stripBrackets(host.toLowerCase())));
    this.resolve = options.resolve ?? systemResolver;
  }

  async download(rawUrl: string, { maxBytes }: { maxBytes: number }): Promise<Downloaded> {
    const maxRedirects = this.options.maxRedirects ?? 3;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.options.timeoutMs);
    try {
      let url = parseUrl(rawUrl);
      for (let hop = 0; ; hop++) {
        const addresses = await this.vet(url);
        const response = await this.request(url, addresses, deadline.signal);
        const location = response.headers.location;
        if (REDIRECTS.has(response.statusCode ?? 0) && location) {
          response.destroy();
          if (hop >= maxRedirects) throw new DownloadFailed('redirects', `more than ${maxRedirects} redirects, last to ${location}`);
          url = parseUrl(location, url);
          continue;
        }
        if (response.statusCode !== 200) {
          response.destroy();
          throw new DownloadFailed('status', `${url.host} answered HTTP ${response.statusCode}`);
        }
        const data = await this.readBody(response, maxBytes, deadline.signal);
        return { data, contentType: response.headers['content-type'] ?? null };
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** The addresses this URL may be fetched from; throws when the scheme or any address is refused. */
  private async vet(url: URL): Promise<LookupAddress[]> {
    const host = stripBrackets(url.hostname.toLowerCase());
    const allowed = this.allowHttp.has(host);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed)) throw new DownloadFailed('scheme', `${url.protocol} is not allowed for ${host}`);
    let addresses: LookupAddress[];
    if (isIpLiteral(host)) {
      addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
    } else {
      try {
        addresses = await this.resolve(host);
      } catch (error) {
        throw new DownloadFailed('dns', `${host} did not resolve: ${String(error)}`);
      }
      if (addresses.length === 0) throw new DownloadFailed('dns', `${host} has no address`);
    }
    // One private address among public ones is refused too: which one we would reach is not ours to pick.
    const blocked = addresses.find((a) => !isPublicAddress(a.address));
    if (blocked && !allowed) throw new DownloadFailed('blocked_address', `${host} resolves to ${blocked.address}`);
    // IPv4 first: a development host named `localhost` often listens on 127.0.0.1 only.
    return [...addresses].sort((a, b) => a.family - b.family);
  }

  private request(url: URL, addresses: LookupAddress[], signal: AbortSignal): Promise<IncomingMessage> {
    const host = stripBrackets(url.hostname);
    // Node calls this instead of DNS (for names; a literal needs no lookup): only vetted addresses.
    const lookup = (_hostname: string, options: LookupOneOptions & { all?: boolean }, callback: (...args: unknown[]) => void) => {
      if (options?.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send({
        host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { accept: 'image/*,video/*,audio/*,*/*;q=0.5', 'user-agent': 'genbot-fetch/1' },
        lookup: lookup as never,
        // A fresh connection per hop: a pooled socket could belong to an address vetted for another name.
        agent: false,
        signal,
        ...(this.options.ca ? { ca: this.options.ca } : {}),
      });
      req.once('response', resolve);
      req.once('error', (error) =>
        reject(
          signal.aborted
            ? new DownloadFailed('timeout', `no complete answer from ${url.host} within ${this.options.timeoutMs} ms`)
            : new DownloadFailed('connect', `${url.host}: ${String(error)}`),
        ),
      );
      req.end();
    });
  }

  private readBody(response: IncomingMessage, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
    const declared = Number(response.headers['content-length']);
    if (declared > maxBytes) {
      response.destroy();
      return Promise.reject(new DownloadFailed('too_large', `Content-Length ${declared} > ${maxBytes}`));
    }
    const { minBytesPerSecond, rateGraceMs = 2_000 } = this.options;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const started = Date.now();
      let received = 0;
      let settled = false;
      const finish = (error?: DownloadFailed) => {
        if (settled) return;
        settled = true;
        clearInterval(rateCheck);
        signal.removeEventListener('abort', onAbort);
        if (error) {
          response.destroy();
          reject(error);
        } else resolve(Buffer.concat(chunks, received));
      };
      const onAbort = () => finish(new DownloadFailed('timeout', `body not complete within ${this.options.timeoutMs} ms (${received} bytes)`));
      const rateCheck = setInterval(
        () => {
          const seconds = (Date.now() - started) / 1000;
          if (seconds * 1000 >= rateGraceMs && received / seconds < minBytesPerSecond)
            finish(new DownloadFailed('too_slow', `${Math.round(received / seconds)} bytes/s after ${seconds.toFixed(1)} s`));
        },
        Math.max(10, Math.min(1_000, rateGraceMs / 4)),
      );
      signal.addEventListener('abort', onAbort);
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBytes) return finish(new DownloadFailed('too_large', `more than ${maxBytes} bytes`));
        chunks.push(chunk);
      });
      // A body shorter than its Content-Length was cut off, not finished.
      response.once('end', () => finish(declared > received ? new DownloadFailed('connect', `body cut at ${received} of ${declared} bytes`) : undefined));
      response.once('error', (error) => finish(new DownloadFailed(signal.aborted ? 'timeout' : 'connect', `reading the body: ${String(error)}`)));
      response.once('aborted', () => finish(new DownloadFailed('connect', 'the server cut the body short')));
    });
  }
}

function parseUrl(raw: string, base?: URL): URL {
  try {
    return new URL(raw, base);
  } catch {
    throw new DownloadFailed('invalid_url', `not a URL: ${raw.slice(0, 200)}`);
  }
}
