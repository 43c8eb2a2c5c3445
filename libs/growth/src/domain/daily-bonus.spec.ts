import { addDays, dailyReward, localDay, startOfLocalDay } from './daily-bonus';

describe('daily bonus days', () => {
  it('takes the day from the time zone, not from UTC', () => {
    const at = new Date('2026-03-10T22:30:00Z');
    expect(localDay(at, 'UTC')).toBe('2026-03-10');
    expect(localDay(at, 'Europe/Moscow')).toBe('2026-03-11');
    expect(localDay(at, 'America/New_York')).toBe('2026-03-10');
  });

  it('finds local midnight, across DST changes and month ends', () => {
    expect(startOfLocalDay('2026-03-11', 'Europe/Moscow').toISOString()).toBe('2026-03-10T21:00:00.000Z');
    expect(startOfLocalDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfLocalDay('2026-01-01', 'Asia/Tashkent').toISOString()).toBe('2025-12-31T19:00:00.000Z');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('reads the schedule by streak day and keeps its last value past the end', () => {
    expect([1, 2, 3, 7, 30].map((day) => dailyReward([5, 10, 15], day))).toEqual([5, 10, 15, 15, 15]);
    expect(dailyReward([], 1)).toBe(0);
    expect(dailyReward('bad', 1)).toBe(0);
    expect(dailyReward([5, -1], 2)).toBe(0);
  });
});
