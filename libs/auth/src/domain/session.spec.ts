import { accessTtlSeconds } from './session';

describe('accessTtlSeconds', () => {
  it('keeps the setting within 15-60 minutes, and falls back for a value that is not a number', () => {
    expect(accessTtlSeconds(30, 15)).toBe(1800);
    expect(accessTtlSeconds(5, 15)).toBe(900);
    expect(accessTtlSeconds(600, 15)).toBe(3600);
    expect(accessTtlSeconds('30', 15)).toBe(900);
    expect(accessTtlSeconds(Number.NaN, 60)).toBe(3600);
  });
});
