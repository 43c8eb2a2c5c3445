import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DiskStorageAdapter, FileUrlSigner } from '@genbot/storage';
import { ProviderError, ProviderInput, ProviderOutput } from '../../../application/ports/generation-provider';
import { LOCAL_CONCURRENCY, MAX_OUTPUT_PIXELS, capPixels, localImageSlot } from './local-image';
import { LocalProvider } from './local.provider';

const dataDir = mkdtempSync(join(tmpdir(), 'genbot-local-'));
const storage = () => new DiskStorageAdapter({ root: join(dataDir, 'storage'), baseUrl: 'http://127.0.0.1', signer: new FileUrlSigner(() => 's'.repeat(40)) });
const provider = new LocalProvider(storage());
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
let submissions = 0;

async function run(providerModel: string, options: ProviderInput['options'], image?: Buffer, prompt?: string): Promise<ProviderOutput[]> {
  const { status } = await provider.submit(
    { providerModel, mode: image ? 'tool' : 't2i', prompt, options, images: image ? [{ data: image, contentType: 'image/png' }] : undefined },
    `gen-${++submissions}`,
  );
  if (status.state !== 'succeeded') throw new Error(`expected success, got ${status.state}`);
  return status.outputs;
}

async function only(outputs: ProviderOutput[]): Promise<{ data: Buffer; format?: string; width?: number; height?: number; contentType?: string }> {
  expect(outputs).toHaveLength(1);
  const { format, width, height } = await sharp(outputs[0].data).metadata();
  return { data: outputs[0].data!, format, width, height, contentType: outputs[0].contentType };
}

const pixels = (data: Buffer) => sharp(data).removeAlpha().raw().toBuffer();
const stdev = async (data: Buffer) => (await sharp(data).stats()).channels.slice(0, 3).reduce((sum, c) => sum + c.stdev, 0) / 3;

/** A child's drawing: thick outlines and flat colours on paper. */
function drawing(width = 300, height = 200, background = '#fffbe8'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="${background}"/>
    <circle cx="${width * 0.3}" cy="${height * 0.5}" r="${height * 0.3}" fill="#ffcc00" stroke="#000" stroke-width="5"/>
    <rect x="${width * 0.6}" y="${height * 0.2}" width="${width * 0.25}" height="${height * 0.55}" fill="#3aa0ff" stroke="#000" stroke-width="4"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Mid-grey with heavy salt-and-pepper and gaussian-ish noise, from a fixed seed. */
function noisy(width = 200, height = 200): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < data.length; i += 3) {
    const r = random();
    const value = r < 0.05 ? 0 : r > 0.95 ? 255 : 128 + Math.round((random() - 0.5) * 60);
    data[i] = data[i + 1] = data[i + 2] = value;
  }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

const rejectedWith = (message: RegExp | string) => expect.objectContaining({ kind: 'rejected', message: expect.stringMatching(message) });

describe('LocalProvider', () => {
  it('is always configured and named local', () => {
    expect(provider.name).toBe('local');
    expect(provider.isConfigured()).toBe(true);
  });

  describe('local/text-to-image', () => {
    it('renders a PNG of the default size whose pixels depend on the prompt', async () => {
      expect(await only(await run('local/text-to-image', {}, undefined, 'a red cat'))).toMatchObject({
        format: 'png',
        width: 1024,
        height: 1024,
        contentType: 'image/png',
      });
      const cat = await only(await run('local/text-to-image', { size: '256*256' }, undefined, 'a red cat'));
      const dog = await only(await run('local/text-to-image', { size: '256*256' }, undefined, 'a blue dog'));
      const catAgain = await only(await run('local/text-to-image', { size: '256*256' }, undefined, 'a red cat'));
      expect((await pixels(cat.data)).equals(await pixels(dog.data))).toBe(false);
      expect((await pixels(cat.data)).equals(await pixels(catAgain.data))).toBe(true);
    });

    it('renders prompts full of XML syntax and control characters', async () => {
      const prompt = 'Tom <&> Jerry "quoted" \'single\' ]]> <!-- --> &amp; \u0007 <script>alert(1)</script> 你好 🚀';
      const out = await only(await run('local/text-to-image', { size: '320*240' }, undefined, prompt));
      expect(out).toMatchObject({ format: 'png', width: 320, height: 240 });
      const long = await only(await run('local/text-to-image', { size: '256*256' }, undefined, 'word '.repeat(2000)));
      expect(long).toMatchObject({ width: 256, height: 256 });
    });

    it('takes size as W*H or WxH, or an aspect ratio, capped at 2048 a side', async () => {
      expect(await only(await run('local/text-to-image', { size: '300*200' }, undefined, 'p'))).toMatchObject({ width: 300, height: 200 });
      expect(await only(await run('local/text-to-image', { size: '200x300' }, undefined, 'p'))).toMatchObject({ width: 200, height: 300 });
      expect(await only(await run('local/text-to-image', { aspect_ratio: '16:9' }, undefined, 'p'))).toMatchObject({ width: 1344, height: 768 });
      expect(await only(await run('local/text-to-image', { size: '4096*512' }, undefined, 'p'))).toMatchObject({ width: 2048, height: 256 });
    });

    it('writes jpeg and webp on request', async () => {
      const jpeg = await only(await run('local/text-to-image', { size: '128*128', output_format: 'jpeg' }, undefined, 'p'));
      const webp = await only(await run('local/text-to-image', { size: '128*128', output_format: 'webp' }, undefined, 'p'));
      expect(jpeg).toMatchObject({ format: 'jpeg', contentType: 'image/jpeg' });
      expect(webp).toMatchObject({ format: 'webp', contentType: 'image/webp' });
    });

    it('refuses an empty prompt, a bad size or aspect ratio', async () => {
      await expect(run('local/text-to-image', {}, undefined, '   ')).rejects.toEqual(rejectedWith('prompt is required'));
      await expect(run('local/text-to-image', { size: 'big' }, undefined, 'p')).rejects.toEqual(rejectedWith('size'));
      await expect(run('local/text-to-image', { aspect_ratio: '2:1' }, undefined, 'p')).rejects.toEqual(rejectedWith('aspect_ratio'));
    });
  });

  describe('local/upscale', () => {
    it('brings the long side to 2048 for 2k, keeping the aspect ratio and the input format', async () => {
      const out = await only(
        await run(
          'local/upscale',
          { target_resolution: '2k' },
          await sharp(await drawing(300, 200))
            .jpeg()
            .toBuffer(),
        ),
      );
      expect(out).toMatchObject({ format: 'jpeg', width: 2048, height: 1365 });
    });

    it('never downscales an image already above the target', async () => {
      const out = await only(await run('local/upscale', { target_resolution: '2k', output_format: 'png' }, await drawing(2100, 100)));
      expect(out).toMatchObject({ format: 'png', width: 2100, height: 100 });
    });

    it('refuses an unknown target resolution', async () => {
      await expect(run('local/upscale', { target_resolution: '16k' }, await drawing())).rejects.toEqual(rejectedWith('target_resolution'));
    });

    it('caps the output at MAX_OUTPUT_PIXELS: 8k of a square is 4096 × 4096, not 8192 × 8192 (issue 4)', async () => {
      const out = await only(await run('local/upscale', { target_resolution: '8k', output_format: 'jpeg' }, await drawing(200, 200)));
      expect(out).toMatchObject({ width: 4096, height: 4096 });
      const wide = capPixels({ width: 8192, height: 2731 });
      expect(wide.width * wide.height).toBeLessThanOrEqual(MAX_OUTPUT_PIXELS);
      expect(wide.width / wide.height).toBeCloseTo(3, 1);
    });
  });

  describe('memory bounds (issue 4: eight jobs in 1 GB)', () => {
    it('refuses an input above MAX_INPUT_PIXELS from its header alone, naming its size and the limit', async () => {
      // An SVG declares its size without any pixels: a decompression bomb costs nothing to make.
      const bomb = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="12000" height="9000"><rect width="10" height="10"/></svg>');
      const error = await run('local/upscale', {}, bomb).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toEqual(rejectedWith(/12000 × 9000.*larger than the 50 MP/));
    });

    it('shrinks a large accepted input to the working size while decoding', async () => {
      const big = await sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#808080' } })
        .jpeg()
        .toBuffer();
      const out = await only(await run('local/denoise', {}, big));
      expect(out.width! * out.height!).toBeLessThanOrEqual(MAX_OUTPUT_PIXELS);
      expect(out.width! / out.height!).toBeCloseTo(1.5, 2);
    });

    it('runs libvips with one thread per image, no operation cache, and at most LOCAL_CONCURRENCY images at once', async () => {
      expect(sharp.concurrency()).toBe(1);
      expect(sharp.cache()).toMatchObject({ memory: { max: 0 }, items: { max: 0 } });
      let running = 0;
      let peak = 0;
      const work = () =>
        localImageSlot(async () => {
          peak = Math.max(peak, ++running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
        });
      await Promise.all(Array.from({ length: 8 }, work));
      expect(peak).toBe(LOCAL_CONCURRENCY);
    });
  });

  describe('local/denoise', () => {
    it('lowers the noise, more with a stronger model', async () => {
      const input = await noisy();
      const before = await stdev(input);
      const normal = await only(await run('local/denoise', {}, input));
      const extreme = await only(await run('local/denoise', { model: 'Extreme' }, input));
      expect(normal).toMatchObject({ format: 'png', width: 200, height: 200 });
      expect(await stdev(normal.data)).toBeLessThan(before * 0.6);
      expect(await stdev(extreme.data)).toBeLessThan(await stdev(normal.data));
    });
  });

  describe('local/restore', () => {
    it('stretches a faded photo back to a full tonal range', async () => {
      const faded = await sharp(await drawing())
        .linear(0.4, 90)
        .png()
        .toBuffer();
      const range = async (data: Buffer) => (await sharp(data).stats()).channels.slice(0, 3).map((c) => c.max - c.min);
      for (const model of ['Dust-Scratch', 'Dust-Scratch V2']) {
        const out = await only(await run('local/restore', { model }, faded));
        expect(out).toMatchObject({ width: 300, height: 200 });
        for (const [i, spread] of (await range(out.data)).entries()) expect(spread).toBeGreaterThan((await range(faded))[i]);
      }
    });
  });

  describe('local/enhance', () => {
    it('accepts every model of the seed and fits the image into size', async () => {
      const input = await drawing();
      for (const model of ['Standard V2', 'Low Resolution V2', 'CGI', 'High Fidelity V2', 'Text Refine']) {
        expect(await only(await run('local/enhance', { model }, input))).toMatchObject({ width: 300, height: 200 });
      }
      expect(await only(await run('local/enhance', { size: '600*600' }, input))).toMatchObject({ width: 600, height: 400 });
      await expect(run('local/enhance', { model: 'Ultra' }, input)).rejects.toEqual(rejectedWith('Standard V2, Low Resolution V2'));
    });
  });

  describe('local/watermark-remove', () => {
    it('smooths text away in the bottom corners and leaves the middle alone', async () => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300">
        <rect width="100%" height="100%" fill="#4070a0"/>
        <text x="290" y="290" font-family="DejaVu Sans" font-size="14" fill="#fff">© stock</text>
      </svg>`;
      const input = await sharp(Buffer.from(svg)).flatten().png().toBuffer();
      const corner = (data: Buffer) => sharp(data).extract({ left: 280, top: 270, width: 120, height: 30 }).png().toBuffer();
      const middle = (data: Buffer) => sharp(data).extract({ left: 100, top: 100, width: 200, height: 100 }).raw().toBuffer();

      const out = await only(await run('local/watermark-remove', {}, input));
      expect(out).toMatchObject({ format: 'png', width: 400, height: 300 });
      expect(await stdev(await corner(out.data))).toBeLessThan((await stdev(await corner(input))) / 3);
      expect((await middle(out.data)).equals(await middle(input))).toBe(true);
    });
  });

  describe('local/animate-drawing', () => {
    it('returns count distinct PNG variants of the drawing', async () => {
      const outputs = await run('local/animate-drawing', { count: 8 }, await drawing());
      expect(outputs).toHaveLength(8);
      const seen = new Set<string>();
      for (const output of outputs) {
        expect(await sharp(output.data).metadata()).toMatchObject({ format: 'png', width: 300, height: 200 });
        seen.add((await pixels(output.data!)).toString('base64'));
      }
      expect(seen.size).toBe(8);
    });

    it('makes 4 by default, also from a transparent drawing, and refuses more than 8', async () => {
      const transparent = await drawing(300, 200, 'none');
      expect(await run('local/animate-drawing', {}, transparent)).toHaveLength(4);
      expect(await run('local/animate-drawing', { count: '2' }, transparent)).toHaveLength(2);
      await expect(run('local/animate-drawing', { count: 9 }, transparent)).rejects.toEqual(rejectedWith('count'));
    });
  });

  describe('input and errors', () => {
    it('takes bytes, and never fetches a URL it is given instead', async () => {
      expect(provider.takes).toBe('bytes');
      const fromUrl = provider.submit({ providerModel: 'local/denoise', mode: 'tool', imageUrls: ['http://127.0.0.1:9/drawing.png'], options: {} }, 'url-only');
      await expect(fromUrl).rejects.toEqual(rejectedWith('an input image is required'));
    });

    it('refuses unknown models, a missing image, undecodable bytes and a bad output format', async () => {
      await expect(run('local/teleport', {}, await drawing())).rejects.toBeInstanceOf(ProviderError);
      await expect(run('local/teleport', {}, await drawing())).rejects.toEqual(rejectedWith('unknown local model'));
      await expect(run('local/upscale', {})).rejects.toEqual(rejectedWith('an input image is required'));
      await expect(run('local/upscale', {}, Buffer.from('definitely not an image'))).rejects.toEqual(rejectedWith('could not be decoded'));
      await expect(run('local/upscale', { output_format: 'gif' }, await drawing())).rejects.toEqual(rejectedWith('output_format'));
    });

    it('keeps its result in storage, so a poll from another process finds it until it is discarded', async () => {
      const { externalId, status } = await provider.submit(
        { providerModel: 'local/text-to-image', mode: 't2i', prompt: 'p', options: { size: '64*64' } },
        'poll-me',
      );
      // A worker that died after submit: a fresh provider, nothing in memory, the same storage.
      const afterCrash = new LocalProvider(storage());
      expect(await afterCrash.poll(externalId, 'local/text-to-image')).toEqual(status);
      await afterCrash.discard(externalId);
      await expect(afterCrash.poll(externalId, 'local/text-to-image')).rejects.toMatchObject({ kind: 'lost' });
      await expect(provider.poll('local-nope', 'local/text-to-image')).rejects.toMatchObject({ kind: 'lost' });
      await expect(provider.poll('../../etc', 'local/text-to-image')).rejects.toEqual(rejectedWith('not a local generation id'));
    });
  });
});
