import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { ProviderInput } from '../../../application/ports/generation-provider';
import { capSize, choiceOption, RawImage, rejected, sizeOption, stringOption, toRaw } from './local-image';

export const TEXT_TO_IMAGE_MAX_SIDE = 2048;
const MIN_SIDE = 64;

const ASPECT_SIZES: Record<string, { width: number; height: number }> = {
  '1:1': { width: 1024, height: 1024 },
  '16:9': { width: 1344, height: 768 },
  '9:16': { width: 768, height: 1344 },
  '4:3': { width: 1152, height: 864 },
  '3:4': { width: 864, height: 1152 },
};

/**
 * `local/text-to-image`: no model runs here, so the picture is the prompt itself, set on a
 * background drawn from the prompt's hash: the same prompt gives the same image, different
 * prompts visibly different ones.
 */
export async function renderPrompt(input: ProviderInput): Promise<RawImage> {
  const prompt = cleanText(input.prompt ?? '');
  if (prompt === '') throw rejected(input.providerModel, 'a prompt is required');
  const { width, height } = imageSize(input);
  const hash = createHash('sha256').update(prompt).digest();

  const composed = sharp(Buffer.from(gradientSvg(hash, width, height))).composite([
    { input: await cloudLayer(hash, width, height), blend: 'soft-light' },
    { input: Buffer.from(textSvg(prompt, width, height)), top: 0, left: 0 },
  ]);
  return toRaw(composed.removeAlpha());
}

function imageSize(input: ProviderInput): { width: number; height: number } {
  const size = sizeOption(input) ?? (stringOption(input, 'aspect_ratio') ? choiceOption(input, 'aspect_ratio', ASPECT_SIZES, '1:1') : ASPECT_SIZES['1:1']);
  if (size.width < MIN_SIDE || size.height < MIN_SIDE) {
    throw rejected(input.providerModel, `size must be at least ${MIN_SIDE}*${MIN_SIDE}`);
  }
  return capSize(size, TEXT_TO_IMAGE_MAX_SIDE);
}

/** Collapses whitespace and drops the control characters XML 1.0 cannot carry at all. */
function cleanText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}

function gradientSvg(hash: Buffer, width: number, height: number): string {
  const hue = (hash[0] / 255) * 360;
  const second = (hue + 60 + (hash[1] / 255) * 180) % 360;
  const third = (second + 40 + (hash[2] / 255) * 80) % 360;
  const angle = (hash[3] / 255) * Math.PI * 2;
  const x = (0.5 + Math.cos(angle) / 2).toFixed(3);
  const y = (0.5 + Math.sin(angle) / 2).toFixed(3);
  const x2 = (0.5 - Math.cos(angle) / 2).toFixed(3);
  const y2 = (0.5 - Math.sin(angle) / 2).toFixed(3);
  const light = 35 + (hash[4] % 25);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><linearGradient id="g" x1="${x}" y1="${y}" x2="${x2}" y2="${y2}">
    <stop offset="0" stop-color="hsl(${hue.toFixed(0)},70%,${light}%)"/>
    <stop offset="0.55" stop-color="hsl(${second.toFixed(0)},65%,${light + 10}%)"/>
    <stop offset="1" stop-color="hsl(${third.toFixed(0)},75%,${light - 10}%)"/>
  </linearGradient></defs>
  <rect width="100%" height="100%" fill="url(#g)"/>
</svg>`;
}

/**
 * Value noise: random colours on a small grid, enlarged smoothly into soft clouds. Finer noise or
 * per-pixel grain would look richer but makes the PNG several times larger for a chat picture.
 */
function cloudLayer(hash: Buffer, width: number, height: number): Promise<Buffer> {
  const random = seededRandom(hash.readUInt32BE(8));
  const grid = 4 + (hash[12] % 4);
  const cells = Buffer.alloc(grid * grid * 3);
  for (let i = 0; i < cells.length; i++) cells[i] = Math.floor(random() * 256);
  return sharp(cells, { raw: { width: grid, height: grid, channels: 3 } })
    .resize(width, height, { kernel: 'cubic', fit: 'fill' })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

/** mulberry32: small, fast and, unlike Math.random, reproducible from a seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function textSvg(prompt: string, width: number, height: number): string {
  const { fontSize, lines } = layoutText(prompt, width, height);
  const lineHeight = fontSize * 1.3;
  const blockHeight = lines.length * lineHeight;
  const blockWidth = Math.min(width * 0.92, Math.max(...lines.map(textWidthEm)) * fontSize + fontSize * 1.6);
  const top = (height - blockHeight) / 2;
  const firstBaseline = top + lineHeight / 2 + fontSize * 0.36;
  const tspans = lines.map((line, i) => `<tspan x="${width / 2}" y="${(firstBaseline + i * lineHeight).toFixed(1)}">${escapeXml(line)}</tspan>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <rect x="${((width - blockWidth) / 2).toFixed(1)}" y="${(top - fontSize * 0.6).toFixed(1)}" width="${blockWidth.toFixed(1)}" height="${(blockHeight + fontSize * 1.2).toFixed(1)}" rx="${(fontSize * 0.6).toFixed(1)}" fill="#000" fill-opacity="0.35"/>
  <text font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="${fontSize}" font-weight="600" fill="#fff" text-anchor="middle">${tspans}</text>
</svg>`;
}

/** The largest font size, from 1/12 of the short side down, at which the wrapped prompt fits. */
export function layoutText(text: string, width: number, height: number): { fontSize: number; lines: string[] } {
  const short = Math.min(width, height);
  const minFont = Math.max(10, Math.round(short / 48));
  for (let fontSize = Math.max(minFont, Math.round(short / 12)); ; fontSize = Math.max(minFont, Math.floor(fontSize * 0.9))) {
    const lines = wrapText(text, (width * 0.84) / fontSize);
    const maxLines = Math.max(1, Math.floor((height * 0.84) / (fontSize * 1.3)));
    if (lines.length <= maxLines) return { fontSize, lines };
    if (fontSize === minFont) {
      const kept = lines.slice(0, maxLines);
      kept[maxLines - 1] = `${kept[maxLines - 1].replace(/.$/u, '')}…`;
      return { fontSize, lines: kept };
    }
  }
}

/** Greedy word wrap to `maxEm` em per line; a word longer than a line is cut. */
export function wrapText(text: string, maxEm: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (textWidthEm(candidate) <= maxEm) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    for (const char of word) {
      if (line !== '' && textWidthEm(line + char) > maxEm) {
        lines.push(line);
        line = '';
      }
      line += char;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Rough advance width in em: DejaVu Sans averages ~0.62 em; CJK and emoji take a full em. */
function textWidthEm(text: string): number {
  let em = 0;
  for (const char of text) em += char.codePointAt(0)! >= 0x1100 ? 1 : 0.62;
  return em;
}
