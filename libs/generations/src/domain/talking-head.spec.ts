import { pageOf, voiceSuits } from './talking-head';

describe('pageOf', () => {
  const items = Array.from({ length: 12 }, (_, i) => i);

  it('cuts five to a page and says where there is more', () => {
    expect(pageOf(items, 0)).toEqual({ items: [0, 1, 2, 3, 4], page: 0, pages: 3, total: 12, hasPrevious: false, hasNext: true });
    expect(pageOf(items, 2)).toMatchObject({ items: [10, 11], page: 2, hasPrevious: true, hasNext: false });
  });

  it('clamps a page out of range, as an old button may ask, and has one empty page for nothing', () => {
    expect(pageOf(items, 7).page).toBe(2);
    expect(pageOf(items, -3).page).toBe(0);
    expect(pageOf(items, Number.NaN).page).toBe(0);
    expect(pageOf([], 0)).toEqual({ items: [], page: 0, pages: 1, total: 0, hasPrevious: false, hasNext: false });
  });
});

describe('voiceSuits', () => {
  it('matches gender exactly and age by ElevenLabs label, elderly taking old and middle-aged voices', () => {
    expect(voiceSuits({ gender: 'female', age: 'young' }, 'female', 'young')).toBe(true);
    expect(voiceSuits({ gender: 'Female', age: 'Young' }, 'female', 'young')).toBe(true);
    expect(voiceSuits({ gender: 'female', age: 'young' }, 'male', 'young')).toBe(false);
    expect(voiceSuits({ gender: 'male', age: 'old' }, 'male', 'elderly')).toBe(true);
    expect(voiceSuits({ gender: 'male', age: 'middle aged' }, 'male', 'elderly')).toBe(true);
    expect(voiceSuits({ gender: 'male', age: 'middle_aged' }, 'male', 'elderly')).toBe(true);
    expect(voiceSuits({ gender: 'male', age: 'middle aged' }, 'male', 'young')).toBe(false);
    expect(voiceSuits({}, 'male', 'young')).toBe(false);
  });
});
