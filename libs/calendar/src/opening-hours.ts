import type { OpeningHours } from '#database';
import { WEEKDAYS } from '#database';
import type { CalendarDefinition, DayHours, WeeklyHours } from './calendar.types.js';
import { localDateOf, workingIntervals } from './working-time.js';
import { parseWorkingHours } from './zone-calendar.js';

/**
 * A place's opening hours read against a calendar (the zone's): the place's week on the calendar's
 * days, so that an official holiday closes it and an adjusted workday (调休) opens it, with the
 * arithmetic of working-time.ts. Nothing here knows a holiday: the calendar does.
 */

/** What is wrong with each day's ranges (written HH:MM-HH:MM, in order, not overlapping), one sentence each. */
export function openingHoursProblems(hours: OpeningHours): string[] {
  const problems: string[] = [];
  for (const day of WEEKDAYS) {
    const ranges = hours[day];
    if (!ranges) continue;
    let previousEnd = 0;
    ranges.forEach((range, i) => {
      const where = `openingHours.${day}.${i}`;
      let parsed: { start: number; end: number };
      try {
        [parsed] = parseWorkingHours(range);
      } catch {
        problems.push(`${where} must be written HH:MM-HH:MM; got ${range}`);
        return;
      }
      const { start, end } = parsed;
      if (start >= 24 * 60 || end > 24 * 60) problems.push(`${where} must lie within the day (00:00 to 24:00)`);
      else if (start >= end) problems.push(`${where} must end after it starts`);
      else if (start < previousEnd) problems.push(`${where} overlaps or precedes the range before it`);
      previousEnd = Math.max(previousEnd, end);
    });
  }
  return problems;
}

/** The week of a place's opening hours, Sunday first; null hours are the calendar's own. */
export function weeklyOpeningHours(hours: OpeningHours): WeeklyHours {
  return WEEKDAYS.map((day) => parseWorkingHours(...(hours[day] ?? []))) as unknown as WeeklyHours;
}

/**
 * The calendar a place keeps: the calendar's days (holidays, adjusted workdays), its own week, and
 * on an adjusted workday that falls on a day it is closed, the hours of its first open weekday
 * (Monday's for most), as the zone works such a day at Monday's hours.
 */
export function placeCalendar(calendar: CalendarDefinition, hours: OpeningHours | null): CalendarDefinition {
  if (!hours) return calendar;
  const weeklyHours = weeklyOpeningHours(hours);
  const adjusted: DayHours = [1, 2, 3, 4, 5].map((d) => weeklyHours[d]).find((h) => h.length > 0) ?? [];
  return { ...calendar, code: `${calendar.code}:place`, weeklyHours, adjustedWorkdayHours: adjusted };
}

/** Whether a place with these hours is open at `instant` on `calendar` (its hours are half-open: 17:00 is closed). */
export function isOpenAt(calendar: CalendarDefinition, hours: OpeningHours | null, instant: Date): boolean {
  const place = placeCalendar(calendar, hours);
  const t = instant.getTime();
  return workingIntervals(place, localDateOf(place, instant)).some(
    ({ start, end }) => start.getTime() <= t && t < end.getTime(),
  );
}
