import type { Update } from 'telegraf/types';

type Obj = Record<string, unknown>;

const idOf = (value: unknown): number | string | undefined => {
  const id = value && typeof value === 'object' ? (value as Obj).id : undefined;
  return typeof id === 'number' || typeof id === 'string' ? id : undefined;
};

/**
 * The lane an update is handled in: updates of one lane run strictly in order, lanes in
 * parallel. A chat is a lane (a user's /start must be seen before their next message); an update
 * without a chat (pre_checkout_query, inline_query) goes in its sender's lane, and one with
 * neither (polls) in a lane of its own, since nothing it touches is ordered.
 */
export function laneOf(update: Update): string {
  for (const [field, payload] of Object.entries(update as unknown as Obj)) {
    if (field === 'update_id' || !payload || typeof payload !== 'object') continue;
    const body = payload as Obj;
    const chat = idOf(body.chat) ?? idOf((body.message as Obj | undefined)?.chat);
    if (chat !== undefined) return `c${chat}`;
    const user = idOf(body.from) ?? idOf(body.user);
    if (user !== undefined) return `u${user}`;
  }
  return `x${update.update_id}`;
}
