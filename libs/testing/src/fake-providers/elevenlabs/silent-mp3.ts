/**
 * Valid MP3 bytes built by hand: a run of silent mono Layer III frames (a 4-byte header, zeroed
 * side info and main data, which decoders play as silence). Real frames rather than random bytes,
 * so whatever stores or plays the result (Telegram's sendAudio, ffprobe) accepts it.
 */

/** Bitrate index tables of Layer III, in kbps, by MPEG version (index 0 is "free", 15 is invalid). */
const BITRATES = {
  mpeg1: [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  mpeg2: [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES = { mpeg1: [44100, 48000, 32000], mpeg2: [22050, 24000, 16000] };

export interface SilentMp3Options {
  sampleRate?: number;
  kbps?: number;
  frames?: number;
}

export function silentMp3({ sampleRate = 44100, kbps = 128, frames = 20 }: SilentMp3Options = {}): Buffer {
  const version = SAMPLE_RATES.mpeg1.includes(sampleRate) ? 'mpeg1' : SAMPLE_RATES.mpeg2.includes(sampleRate) ? 'mpeg2' : undefined;
  if (!version) throw new Error(`silentMp3: no MPEG-1/2 sample rate ${sampleRate}`);
  const bitrateIndex = BITRATES[version].indexOf(kbps);
  if (bitrateIndex <= 0) throw new Error(`silentMp3: ${kbps} kbps is not a Layer III bitrate of ${version}`);
  const sampleRateIndex = SAMPLE_RATES[version].indexOf(sampleRate);

  // MPEG-1 frames carry 1152 samples, MPEG-2 (half rates) 576: hence 144 vs 72 bytes per kbit/Hz.
  const frameBytes = Math.floor(((version === 'mpeg1' ? 144_000 : 72_000) * kbps) / sampleRate);
  const header = Buffer.from([
    0xff,
    version === 'mpeg1' ? 0xfb : 0xf3, // sync, version, layer III, no CRC
    (bitrateIndex << 4) | (sampleRateIndex << 2), // no padding, private bit clear
    0xc0, // single channel, no emphasis
  ]);
  const frame = Buffer.alloc(frameBytes);
  header.copy(frame);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

/** Parses `mp3_44100_128` into the options above; undefined for any other codec. */
export function mp3FormatOf(outputFormat: string): { sampleRate: number; kbps: number } | undefined {
  const match = /^mp3_(\d+)_(\d+)$/.exec(outputFormat);
  return match ? { sampleRate: Number(match[1]), kbps: Number(match[2]) } : undefined;
}
