import { settingProblem } from './setting-validation';

describe('settingProblem', () => {
  it('takes the type of the registered default', () => {
    expect(settingProblem(1000, 1200)).toBeUndefined();
    expect(settingProblem(1000, '1200')).toBe('must be a number');
    expect(settingProblem(1000, 1.5)).toBe('must be a non-negative integer');
    expect(settingProblem(1000, -1)).toBe('must be a non-negative integer');
    expect(settingProblem(true, false)).toBeUndefined();
    expect(settingProblem(true, 'yes')).toBe('must be true or false');
    expect(settingProblem('drawing', 'choose')).toBeUndefined();
    expect(settingProblem(['a'], ['b', 'c'])).toBeUndefined();
    expect(settingProblem(['a'], ['b', 1])).toBe('must be a list of strings');
    expect(settingProblem({ a: {} }, { b: {} })).toBeUndefined();
    expect(settingProblem({ a: {} }, [])).toBe('must be an object');
    expect(settingProblem(1, null)).toBe('must not be null');
  });
});
