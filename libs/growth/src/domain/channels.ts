/**
 * A channel as settings and clients name it: `@Name`, `name`, `https://t.me/name` or a chat id
 * (`-100…`), reduced to one spelling (`@name` lower-cased, or the id), so one channel is one bonus.
 */
export function normalizeChannel(value: string): string | undefined {
  const trimmed = value.trim().replace(/^(?:https?:\/\/)?(?:t\.me|telegram\.me)\//i, '');
  if (/^-?\d{1,20}$/.test(trimmed)) return trimmed;
  const name = trimmed.replace(/^@/, '');
  return /^[A-Za-z][A-Za-z0-9_]{3,31}$/.test(name) ? `@${name.toLowerCase()}` : undefined;
}

/** Bot API statuses that mean "in the chat"; a restricted user counts only while still a member. */
export function isMemberStatus(member: { status: string; isMember?: boolean }): boolean {
  return ['creator', 'administrator', 'member'].includes(member.status) || (member.status === 'restricted' && member.isMember === true);
}

/** A chat message link: `t.me/<username>/<id>` or `t.me/c/<internal id>/<id>` (private chats, chat id -100<internal id>). */
export function parseMessageLink(link: string): { chat: string; messageId: number } | undefined {
  const match = /^(?:https?:\/\/)?(?:t\.me|telegram\.me)\/(?:c\/(\d+)|([A-Za-z][A-Za-z0-9_]{3,31}))\/(\d+)(?:[/?#].*)?$/i.exec(link.trim());
  if (!match) return undefined;
  return { chat: match[1] ? `-100${match[1]}` : `@${match[2].toLowerCase()}`, messageId: Number(match[3]) };
}
