import { assertNever, validationFailed } from '#common';
import type {
  CalendarDay,
  CalendarDefinition,
  DayHours,
  LocalDate,
  UtcInterval,
  WorkingTimeLimit,
} from './calendar.types.js';

/**
 * Working-time arithmetic on a calendar: the due instant of a limit, and the working time between
 * two instants. Instants are UTC `Date`s; a calendar's local wall time is UTC plus its fixed offset
 * (Asia/Shanghai: UTC+8, no daylight saving time since 1991), so a local day is always 24 hours and
 * day numbers are plain integer division. The loops step a day at a time, never a minute at a time:
 * a limit of N working days costs about N × 7/5 iterations, a few intervals each.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const NO_HOURS: DayHours = [];

/**
 * A calendar without a single working minute in ten years is misconfigured (all weekdays empty, or
 * every day overridden off); saying so beats looping forever on a timer's due time.
 */
export const MAX_DAYS_WITHOUT_WORKING_TIME = 3660;

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD date, or null when it is not a real date (2025-02-30). */
export function localDateToDayNumber(date: string): number | null {
  const match = LOCAL_DATE.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return ms / DAY_MS;
}

function dayNumberOf(date: LocalDate): number {
  const day = localDateToDayNumber(date);
  if (day === null) throw validationFailed(`date must be a real date written YYYY-MM-DD; got ${JSON.stringify(date)}`);
  return day;
}

/**
 * Day numbers already written as dates: the day loops look each day up in the calendar's overrides
 * by its date, and formatting a Date is most of their cost. Any day maps to one string, so the cache
 * cannot go stale; it is emptied when it grows past a few decades of days.
 */
const localDateCache = new Map<number, LocalDate>();
const LOCAL_DATE_CACHE_LIMIT = 20_000;

/** The YYYY-MM-DD date of a day number (days since 1970-01-01). */
export function dayNumberToLocalDate(day: number): LocalDate {
  let date = localDateCache.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (localDateCache.size >= LOCAL_DATE_CACHE_LIMIT) localDateCache.clear();
    localDateCache.set(day, date);
  }
  return date;
}

/** The date `days` days after (or before, when negative) a YYYY-MM-DD date. */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  return dayNumberToLocalDate(dayNumberOf(date) + days);
}

/** 0 = Sunday … 6 = Saturday; 1970-01-01 was a Thursday. */
export function weekdayOf(date: LocalDate): number {
  return weekdayOfDay(dayNumberOf(date));
}

function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

const offsetMs = (cal: CalendarDefinition) => cal.utcOffsetMinutes * MINUTE_MS;
const localDayOf = (cal: CalendarDefinition, ms: number) => Math.floor((ms + offsetMs(cal)) / DAY_MS);
const localMidnightMs = (cal: CalendarDefinition, day: number) => day * DAY_MS - offsetMs(cal);

/** The local date of an instant on the calendar's wall clock. */
export function localDateOf(cal: CalendarDefinition, instant: Date): LocalDate {
  return dayNumberToLocalDate(localDayOf(cal, instantMs(instant, 'instant')));
}

/**
 * The working hours of a local day. An override decides whether the day is worked at all; a day
 * worked by override keeps its weekday's hours when it has some, and otherwise (调休 weekends) takes
 * the calendar's adjusted-workday hours.
 */
function hoursOfDay(cal: CalendarDefinition, day: number): DayHours {
  const weekly = cal.weeklyHours[weekdayOfDay(day)];
  if (cal.days.size === 0) return weekly;
  const override = cal.days.get(dayNumberToLocalDate(day));
  if (override === undefined) return weekly;
  if (!override.working) return NO_HOURS;
  return weekly.length > 0 ? weekly : cal.adjustedWorkdayHours;
}

export function isWorkingDay(cal: CalendarDefinition, date: LocalDate): boolean {
  return hoursOfDay(cal, dayNumberOf(date)).length > 0;
}

/** The working intervals of a local date as instants; empty on a day off. */
export function workingIntervals(cal: CalendarDefinition, date: LocalDate): UtcInterval[] {
  const day = dayNumberOf(date);
  const midnight = localMidnightMs(cal, day);
  return hoursOfDay(cal, day).map(({ start, end }) => ({
    start: new Date(midnight + start * MINUTE_MS),
    end: new Date(midnight + end * MINUTE_MS),
  }));
}

/** Each date from `from` to `to` inclusive, as `GET /calendars/{code}/days` lists them. */
export function calendarDays(cal: CalendarDefinition, from: LocalDate, to: LocalDate): CalendarDay[] {
  const first = dayNumberOf(from);
  const last = dayNumberOf(to);
  if (last < first) throw validationFailed(`to (${to}) is before from (${from})`);
  const days: CalendarDay[] = [];
  for (let day = first; day <= last; day++) {
    const date = dayNumberToLocalDate(day);
    const override = cal.days.get(date);
    const working = hoursOfDay(cal, day).length > 0;
    days.push(override ? { date, working, name: override.name } : { date, working });
  }
  return days;
}

function instantMs(instant: Date, what: string): number {
  const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw validationFailed(`${what} must be a valid date`);
  return ms;
}

function noWorkingTime(cal: CalendarDefinition, fromDay: number): Error {
  return validationFailed(
    `calendar ${cal.code} has no working time in the ${MAX_DAYS_WITHOUT_WORKING_TIME} days from ` +
      `${dayNumberToLocalDate(fromDay)}: check its weekly hours and days`,
  );
}

/**
 * The instant at which `ms` milliseconds of working time have passed since `startMs`. A start
 * outside working hours (before opening, at lunch, on a day off) begins at the next interval; an
 * amount that runs out exactly at an interval's end is due at that end (12:00, not 13:00).
 */
function addWorkingMs(cal: CalendarDefinition, startMs: number, ms: number): number {
  if (ms === 0) return startMs;
  let remaining = ms;
  let day = localDayOf(cal, startMs);
  let daysWithoutHours = 0;
  for (;;) {
    const hours = hoursOfDay(cal, day);
    if (hours.length === 0) {
      if (++daysWithoutHours > MAX_DAYS_WITHOUT_WORKING_TIME) throw noWorkingTime(cal, day - daysWithoutHours + 1);
    } else {
      daysWithoutHours = 0;
      const midnight = localMidnightMs(cal, day);
      for (const { start, end } of hours) {
        const intervalEnd = midnight + end * MINUTE_MS;
        if (intervalEnd <= startMs) continue;
        const from = Math.max(midnight + start * MINUTE_MS, startMs);
        const available = intervalEnd - from;
        if (remaining <= available) return from + remaining;
        remaining -= available;
      }
    }
    day++;
  }
}

/**
 * The close (end of the last working interval) of the Nth working day after the start's local
 * date: the `nextWorkingDay` rule. "Close" follows the day's own hours, so a calendar with a short
 * Friday closes a Friday deadline at Friday's closing time, and a 调休 Saturday at its adjusted hours'.
 */
function closeOfNthWorkingDayAfter(cal: CalendarDefinition, startMs: number, n: number): number {
  let day = localDayOf(cal, startMs);
  let counted = 0;
  let daysWithoutHours = 0;
  for (;;) {
    day++;
    const hours = hoursOfDay(cal, day);
    if (hours.length === 0) {
      if (++daysWithoutHours > MAX_DAYS_WITHOUT_WORKING_TIME) throw noWorkingTime(cal, day - daysWithoutHours + 1);
      continue;
    }
    daysWithoutHours = 0;
    if (++counted === n) return localMidnightMs(cal, day) + hours[hours.length - 1].end * MINUTE_MS;
  }
}

function limitProblem(limit: WorkingTimeLimit): string | null {
  const { value, unit } = limit;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return `limit value must be a finite number of ${unit}, 0 or more; got ${String(value)}`;
  }
  if (unit === 'workingDays' && !Number.isInteger(value)) {
    return `a limit in workingDays must be a whole number of days; got ${value}`;
  }
  return null;
}

/**
 * The due instant of a limit counted from `start` on the calendar.
 * - workingMinutes / workingHours: working time consumed interval by interval from the start.
 * - workingDays: by the calendar's `daysRule` (the zone: the close of the Nth working day after
 *   the start's date; `always`: N × 24 hours).
 * A limit of 0 is due at the start itself.
 */
export function addWorkingTime(cal: CalendarDefinition, start: Date, limit: WorkingTimeLimit): Date {
  const startMs = instantMs(start, 'start');
  const problem = limitProblem(limit);
  if (problem) throw validationFailed(problem);
  if (limit.value === 0) return new Date(startMs);
  switch (limit.unit) {
    case 'workingMinutes':
      return new Date(addWorkingMs(cal, startMs, Math.round(limit.value * MINUTE_MS)));
    case 'workingHours':
      return new Date(addWorkingMs(cal, startMs, Math.round(limit.value * 60 * MINUTE_MS)));
    case 'workingDays':
      switch (cal.daysRule) {
        case 'nextWorkingDay':
          return new Date(closeOfNthWorkingDayAfter(cal, startMs, limit.value));
        case 'elapsed24Hours':
          return new Date(startMs + limit.value * DAY_MS);
        default:
          return assertNever(cal.daysRule, 'days rule');
      }
    default:
      return assertNever(limit.unit, 'limit unit');
  }
}

/**
 * The working minutes in [from, to): 0 when `to` is not after `from`. Exact, not rounded: instants
 * with seconds give fractional minutes. The SLA adds and subtracts these (time left at a pause, time
 * paused), and rounding each piece would let a clock drift by up to a minute per pause; round only
 * for display. For whole-minute amounts it is the inverse of addWorkingTime:
 * workingMinutesBetween(cal, s, addWorkingTime(cal, s, { value: m, unit: 'workingMinutes' })) === m.
 */
export function workingMinutesBetween(cal: CalendarDefinition, from: Date, to: Date): number {
  const fromMs = instantMs(from, 'from');
  const toMs = instantMs(to, 'to');
  if (toMs <= fromMs) return 0;
  let total = 0;
  const lastDay = localDayOf(cal, toMs);
  for (let day = localDayOf(cal, fromMs); day <= lastDay; day++) {
    const midnight = localMidnightMs(cal, day);
    for (const { start, end } of hoursOfDay(cal, day)) {
      const overlap = Math.min(midnight + end * MINUTE_MS, toMs) - Math.max(midnight + start * MINUTE_MS, fromMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total / MINUTE_MS;
}
