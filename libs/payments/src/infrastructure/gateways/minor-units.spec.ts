import { currencyDecimals, formatMinor, parseMajor } from './minor-units';

describe('minor units as gateway decimals', () => {
  it('formats kopecks and cents with two decimals, zero-decimal currencies without', () => {
    expect(formatMinor(10050, 'RUB')).toBe('100.50');
    expect(formatMinor(10000, 'RUB')).toBe('100.00');
    expect(formatMinor(5, 'RUB')).toBe('0.05');
    expect(formatMinor(0, 'USD')).toBe('0.00');
    expect(formatMinor(500, 'JPY')).toBe('500');
    expect(formatMinor(1234, 'KWD')).toBe('1.234');
  });

  it('parses decimals back exactly, refusing more precision than the currency has', () => {
    expect(parseMajor('100.50', 'RUB')).toBe(10050);
    expect(parseMajor('100.5', 'RUB')).toBe(10050);
    expect(parseMajor('100', 'RUB')).toBe(10000);
    expect(parseMajor('0.07', 'RUB')).toBe(7);
    expect(parseMajor('1.005', 'RUB')).toBeUndefined();
    expect(parseMajor('-1.00', 'RUB')).toBeUndefined();
    expect(parseMajor('1e3', 'RUB')).toBeUndefined();
    expect(parseMajor(undefined, 'RUB')).toBeUndefined();
  });

  it('round-trips every amount in a range without floating-point drift', () => {
    for (let minor = 0; minor < 20_000; minor += 7) expect(parseMajor(formatMinor(minor, 'RUB'), 'RUB')).toBe(minor);
  });

  it('refuses negative or fractional minor amounts and unknown currencies', () => {
    expect(() => formatMinor(-1, 'RUB')).toThrow(RangeError);
    expect(() => formatMinor(1.5, 'RUB')).toThrow(RangeError);
    expect(() => currencyDecimals('RUBLES')).toThrow(RangeError);
  });
});
