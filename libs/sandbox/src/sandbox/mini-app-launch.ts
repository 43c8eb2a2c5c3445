import { createHmac, randomBytes } from 'node:crypto';
import type { SandboxUser } from './sandbox-chat';

/**
 * Mini App initData for a sandbox user, signed with the bot token as Telegram signs it
 * (HMAC-SHA256 keyed by HMAC-SHA256("WebAppData", token) over the sorted `key=value` lines), so
 * public-api's validator accepts it as it would a real client's.
 */
export function signMiniAppInitData(botToken: string, user: SandboxUser, now = new Date()): string {
  const fields: Record<string, string> = {
    auth_date: String(Math.floor(now.getTime() / 1000)),
    query_id: `AAH${randomBytes(12).toString('base64url')}`,
    chat_type: 'sender',
    chat_instance: String(user.id),
    user: JSON.stringify({
      id: user.id,
      first_name: user.first_name,
      ...(user.username ? { username: user.username } : {}),
      language_code: user.language_code,
      allows_write_to_pm: true,
    }),
    // Telegram's Ed25519 signature for third parties: clients require the field, and no key of
    // Telegram's is at hand to make a real one. The bot token's hash covers it either way.
    signature: randomBytes(64).toString('base64url'),
  };
  const checkString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const secret = createHmac('sha256', 'WebAppData').update(botToken).digest();
  const hash = createHmac('sha256', secret).update(checkString).digest('hex');
  return new URLSearchParams({ ...fields, hash }).toString();
}
