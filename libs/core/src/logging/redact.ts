/**
 * Query parameters that are credentials: our signed file URLs (`sig`), S3 presigned URLs
 * (`X-Amz-*`), and any `token` / `signature`. A logged URL with them is a working download link.
 */
const SECRET_PARAMS = new Set(['sig', 'signature', 'token', 'access_token', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token']);

/** The URL with the values of credential query parameters replaced, everything else as it was. */
export function redactUrl(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const [query, fragment] = splitOnce(url.slice(at + 1), '#');
  const redacted = query
    .split('&')
    .map((pair) => {
      const [name] = splitOnce(pair, '=');
      return SECRET_PARAMS.has(decodeSafely(name).toLowerCase()) ? `${name}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, at)}?${redacted}${fragment === undefined ? '' : `#${fragment}`}`;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}

function decodeSafely(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}
