import { validationFailed } from '#common';
import {
  DAYS_RULES,
  type CalendarDefinition,
  type DayHours,
  type DayOverride,
  type DaysRule,
  type LocalDate,
  type WeeklyHours,
  type WorkingInterval,
} from './calendar.types.js';
import { officialHolidayDays } from './holidays.js';
import { localDateToDayNumber } from './working-time.js';

/**
 * The built-in calendars of docs/design.md (Words, 工作日历): `zone`, the halls' working hours on the official
 * holidays and 调休 workdays, and `always`, 24x7 for tests and round-the-clock matters. Both are
 * built from settings so that the hours, the days and the days rule stay configuration, not code.
 */

export const ZONE_CALENDAR_CODE = 'zone';
export const ALWAYS_CALENDAR_CODE = 'always';

/** Asia/Shanghai: UTC+8 all year, no daylight saving time since 1991, so a fixed offset is exact. */
export const ZONE_UTC_OFFSET_MINUTES = 8 * 60;

const HH_MM_RANGE = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/**
 * Working intervals written as people write opening hours: `parseWorkingHours('09:00-12:00',
 * '13:00-17:00')`. 24:00 is allowed as an end (a day that is worked to midnight).
 */
export function parseWorkingHours(...ranges: string[]): WorkingInterval[] {
  return ranges.map((range) => {
    const match = HH_MM_RANGE.exec(range);
    if (!match) throw validationFailed(`working hours must be written HH:MM-HH:MM; got ${JSON.stringify(range)}`);
    const [startH, startM, endH, endM] = match.slice(1).map(Number);
    if (startM > 59 || endM > 59) throw validationFailed(`working hours ${range}: minutes go up to 59`);
    return { start: startH * 60 + startM, end: endH * 60 + endM };
  });
}

/** The zone halls' day: 09:00-12:00 and 13:00-17:00, seven working hours. */
export const ZONE_WORKDAY_HOURS: DayHours = parseWorkingHours('09:00-12:00', '13:00-17:00');

/** Monday to Friday at the zone's hours; weekends off unless a 调休 override makes them working. */
export const ZONE_WEEKLY_HOURS: WeeklyHours = [
  [],
  ZONE_WORKDAY_HOURS,
  ZONE_WORKDAY_HOURS,
  ZONE_WORKDAY_HOURS,
  ZONE_WORKDAY_HOURS,
  ZONE_WORKDAY_HOURS,
  [],
];

const WHOLE_DAY: DayHours = [{ start: 0, end: 24 * 60 }];

function dayHoursProblems(what: string, hours: DayHours): string[] {
  const problems: string[] = [];
  let previousEnd = 0;
  hours.forEach(({ start, end }, i) => {
    const where = `${what} interval ${i + 1}`;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > 24 * 60) {
      problems.push(`${where} must be whole minutes within the day (0 to 1440); got ${start}-${end}`);
    } else if (start >= end) {
      problems.push(`${where} must end after it starts; got ${start}-${end}`);
    } else if (start < previousEnd) {
      problems.push(`${where} (${start}-${end}) overlaps or precedes the one before it`);
    }
    previousEnd = Math.max(previousEnd, end);
  });
  return problems;
}

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** What is wrong with a calendar, one sentence each; empty when it is usable. */
export function calendarProblems(cal: CalendarDefinition): string[] {
  const problems: string[] = [];
  if (!cal.code) problems.push('calendar code must not be empty');
  if (!Number.isInteger(cal.utcOffsetMinutes) || Math.abs(cal.utcOffsetMinutes) > 14 * 60) {
    problems.push(`utcOffsetMinutes must be whole minutes within ±14 hours; got ${cal.utcOffsetMinutes}`);
  }
  if (!(DAYS_RULES as readonly string[]).includes(cal.daysRule)) {
    problems.push(`daysRule must be one of ${DAYS_RULES.join(', ')}; got ${String(cal.daysRule)}`);
  }
  if (cal.weeklyHours.length !== 7) {
    problems.push(`weeklyHours must give 7 days, Sunday first; got ${cal.weeklyHours.length}`);
  } else {
    cal.weeklyHours.forEach((hours, weekday) => problems.push(...dayHoursProblems(WEEKDAY_NAMES[weekday], hours)));
  }
  if (cal.adjustedWorkdayHours.length === 0) {
    problems.push('adjustedWorkdayHours must not be empty: an adjusted working day needs hours');
  }
  problems.push(...dayHoursProblems('adjustedWorkdayHours', cal.adjustedWorkdayHours));
  for (const [date, override] of cal.days) {
    if (localDateToDayNumber(date) === null) problems.push(`day ${JSON.stringify(date)} is not a real YYYY-MM-DD date`);
    if (typeof override.working !== 'boolean') problems.push(`day ${date}: working must be true or false`);
  }
  return problems;
}

/** The calendar itself when it is usable; otherwise a ValidationFailed naming every fault. */
export function defineCalendar(cal: CalendarDefinition): CalendarDefinition {
  const problems = calendarProblems(cal);
  if (problems.length > 0) throw validationFailed(problems);
  return cal;
}

/**
 * The calendar with one date set to an override (a holiday or an adjusted workday), or back to its
 * weekly hours when `override` is null: an admin's `PUT /calendars/{code}/days/{date}`. A new value,
 * so clocks computed on the old one are not changed behind their back.
 */
export function withDayOverride(
  cal: CalendarDefinition,
  date: LocalDate,
  override: DayOverride | null,
): CalendarDefinition {
  const days = new Map(cal.days);
  if (override === null) days.delete(date);
  else days.set(date, { working: override.working, name: override.name });
  return defineCalendar({ ...cal, days });
}

export interface ZoneCalendarSettings {
  weeklyHours?: WeeklyHours;
  /** Hours of a 调休 weekend day; by default Monday's hours of `weeklyHours`. */
  adjustedWorkdayHours?: DayHours;
  /** Holidays and adjusted workdays; by default the State Council's schedules in holidays.ts. */
  days?: Iterable<readonly [LocalDate, DayOverride]>;
  daysRule?: DaysRule;
}

/** The `zone` calendar: the halls' hours on the official schedules, counted by the local days rule. */
export function zoneCalendar(settings: ZoneCalendarSettings = {}): CalendarDefinition {
  const weeklyHours = settings.weeklyHours ?? ZONE_WEEKLY_HOURS;
  return defineCalendar({
    code: ZONE_CALENDAR_CODE,
    utcOffsetMinutes: ZONE_UTC_OFFSET_MINUTES,
    weeklyHours,
    adjustedWorkdayHours: settings.adjustedWorkdayHours ?? weeklyHours[1],
    days: new Map(settings.days ?? officialHolidayDays()),
    daysRule: settings.daysRule ?? 'nextWorkingDay',
  });
}

/**
 * `always`: every day worked 00:00-24:00, no holidays. Working minutes and hours are elapsed time,
 * and a working day is 24 hours from the start (`elapsed24Hours`): under `nextWorkingDay` "1 day"
 * from 10:00 would run to the next day's midnight, 38 hours, which nobody expects of a 24x7 clock.
 * Local days are still the zone's, so `GET /calendars/always/days` lists the same dates as `zone`.
 */
export const ALWAYS: CalendarDefinition = defineCalendar({
  code: ALWAYS_CALENDAR_CODE,
  utcOffsetMinutes: ZONE_UTC_OFFSET_MINUTES,
  weeklyHours: [WHOLE_DAY, WHOLE_DAY, WHOLE_DAY, WHOLE_DAY, WHOLE_DAY, WHOLE_DAY, WHOLE_DAY],
  adjustedWorkdayHours: WHOLE_DAY,
  days: new Map(),
  daysRule: 'elapsed24Hours',
});
