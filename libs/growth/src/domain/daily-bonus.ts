/** The calendar day (YYYY-MM-DD) `at` falls on in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** `day` ± `delta` days, as YYYY-MM-DD. */
export function addDays(day: string, delta: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + delta);
  return date.toISOString().slice(0, 10);
}

/** The instant local midnight starts `day` in `timeZone` (DST-aware: the offset is read at that instant). */
export function startOfLocalDay(day: string, timeZone: string): Date {
  const wallClockAsUtc = Date.parse(`${day}T00:00:00Z`);
  let instant = wallClockAsUtc - offsetMs(new Date(wallClockAsUtc), timeZone);
  instant = wallClockAsUtc - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `at`. */
function offsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(at)
      .map((part) => [part.type, Number(part.value)]),
  );
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(at.getTime() / 1000) * 1000;
}

/** Credits for the `streak`-th consecutive day: the schedule's entry, the last one past its end; 0 for an empty or broken schedule. */
export function dailyReward(schedule: unknown, streak: number): number {
  if (!Array.isArray(schedule) || schedule.length === 0) return 0;
  const value = Number(schedule[Math.min(streak, schedule.length) - 1]);
  return Number.isInteger(value) && value > 0 ? value : 0;
}
