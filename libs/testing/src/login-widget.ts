import { createHash, createHmac } from 'node:crypto';

/**
 * A Telegram Login Widget payload signed as Telegram documents it (secret = SHA-256 of the bot
 * token, HMAC-SHA-256 over the sorted `key=value` lines). Written from the spec, independently of
 * libs/telegram's verifier.
 */
export function signLoginWidget(
  botToken: string,
  user: { id: number; first_name: string; username?: string },
  authDate = new Date(),
): Record<string, string | number> {
  const fields: Record<string, string | number> = { ...user, auth_date: Math.floor(authDate.getTime() / 1000) };
  const checkString = Object.keys(fields)
    .sort()
    .map((key) => `${key}=${fields[key]}`)
    .join('\n');
  const secret = createHash('sha256').update(botToken).digest();
  return { ...fields, hash: createHmac('sha256', secret).update(checkString).digest('hex') };
}
