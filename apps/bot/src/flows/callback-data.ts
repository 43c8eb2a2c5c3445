/**
 * A flow's button: `f:<flow>:<version>:<action>[:<arg>]`. Telegram allows 64 bytes of
 * callback_data, so flows name themselves and their actions briefly and put ids, not payloads,
 * in `arg`.
 */
export interface FlowButton {
  flow: string;
  version: number;
  action: string;
  arg?: string;
}

const MAX_BYTES = 64;
const PATTERN = /^f:([a-z0-9_-]+):(\d+):([a-z0-9_-]+)(?::(.*))?$/i;

export function flowButton(flow: string, version: number, action: string, arg?: string | number): string {
  const data = `f:${flow}:${version}:${action}${arg === undefined ? '' : `:${arg}`}`;
  if (Buffer.byteLength(data) > MAX_BYTES) throw new Error(`callback data over ${MAX_BYTES} bytes: ${data}`);
  return data;
}

export function parseFlowButton(data: string | undefined): FlowButton | undefined {
  const match = data ? PATTERN.exec(data) : null;
  if (!match) return undefined;
  return { flow: match[1], version: Number(match[2]), action: match[3], ...(match[4] !== undefined ? { arg: match[4] } : {}) };
}

/** Matches the buttons of one flow, for `@Action(flowButtons('video'))`. */
export function flowButtons(flow: string): RegExp {
  return new RegExp(`^f:${flow}:\\d+:`);
}
