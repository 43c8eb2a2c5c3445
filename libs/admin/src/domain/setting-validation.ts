/**
 * Whether `value` may replace a setting whose registered default is `fallback`: the default's
 * type is the setting's type (an integer default takes non-negative integers only, a list of
 * strings takes a list of strings). Returns the problem, or undefined when it fits.
 */
export function settingProblem(fallback: unknown, value: unknown): string | undefined {
  if (value === null || value === undefined) return 'must not be null';
  if (typeof fallback === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
    if (Number.isInteger(fallback) && (!Number.isInteger(value) || value < 0)) return 'must be a non-negative integer';
    return undefined;
  }
  if (typeof fallback === 'boolean') return typeof value === 'boolean' ? undefined : 'must be true or false';
  if (typeof fallback === 'string') return typeof value === 'string' && value.length <= 1000 ? undefined : 'must be a string of at most 1000 characters';
  if (Array.isArray(fallback)) {
    if (!Array.isArray(value)) return 'must be a list';
    const element = fallback.length > 0 ? typeof fallback[0] : undefined;
    if (element && value.some((item) => typeof item !== element)) return `must be a list of ${element}s`;
    return undefined;
  }
  if (typeof fallback === 'object' && fallback !== null) return typeof value === 'object' && !Array.isArray(value) ? undefined : 'must be an object';
  return undefined;
}
