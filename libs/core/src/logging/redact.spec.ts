import { redactUrl } from './redact';

describe('redactUrl', () => {
  it.each([
    ['/files/a.png?expires=1&sig=abc', '/files/a.png?expires=1&sig=[REDACTED]'],
    [
      '/x?X-Amz-Credential=AK%2Fy&X-Amz-Signature=ff&x-amz-security-token=t&a=1',
      '/x?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&x-amz-security-token=[REDACTED]&a=1',
    ],
    ['/x?TOKEN=1&Signature=2&design=3&sigma=4', '/x?TOKEN=[REDACTED]&Signature=[REDACTED]&design=3&sigma=4'],
    ['/x?%73ig=abc', '/x?%73ig=[REDACTED]'],
    ['/x?sig', '/x?sig=[REDACTED]'],
    ['/x?a=1#sig=2', '/x?a=1#sig=2'],
    ['/plain/path', '/plain/path'],
  ])('%s -> %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
