/**
 * What a working-time calendar is made of. A calendar is plain data (no class, no clock) so that
 * the api, the worker and the tests build it the same way and an admin's edit is a new value.
 */
import type { LimitUnit, TimeLimit } from '#database';

/** A local calendar date, YYYY-MM-DD, as the State Council notices and `GET /calendars/{code}/days` write it. */
export type LocalDate = string;

/**
 * Working time within one local day, in minutes since local midnight, half-open [start, end):
 * 09:00-12:00 is { start: 540, end: 720 }; a whole day is { start: 0, end: 1440 }.
 */
export interface WorkingInterval {
  readonly start: number;
  readonly end: number;
}

/** A day's working intervals, in order and not overlapping; empty on a day off. */
export type DayHours = readonly WorkingInterval[];

/** Working hours per weekday, indexed as Date#getUTCDay counts: 0 = Sunday … 6 = Saturday. */
export type WeeklyHours = readonly [DayHours, DayHours, DayHours, DayHours, DayHours, DayHours, DayHours];

/**
 * A dated exception to the weekly hours: an official holiday (`working: false`, name '春节') or an
 * adjusted working day, usually a weekend day worked in exchange (调休, `working: true`).
 */
export interface DayOverride {
  readonly working: boolean;
  readonly name: string;
}

/**
 * How a limit in working days is counted. A calendar setting, because the local rule is a matter of
 * law and practice, not arithmetic:
 * - `nextWorkingDay`: the day of the start is not counted (民法典 Art. 201: a period counted in days
 *   starts on the next day); N working days are the next N working days after the start's local
 *   date, and the limit falls due at the close of the Nth one.
 * - `elapsed24Hours`: N days are N × 24 hours from the start, whatever the weekday. For the 24x7
 *   `always` calendar, where every day is a working day and "the close" of a day would be midnight.
 */
export const DAYS_RULES = ['nextWorkingDay', 'elapsed24Hours'] as const;
export type DaysRule = (typeof DAYS_RULES)[number];

/** The units of docs/design.md's limits: the catalogue's own `TimeLimit`. */
export type WorkingTimeUnit = LimitUnit;
export type WorkingTimeLimit = TimeLimit;

export interface CalendarDefinition {
  /** `zone`, `always`, or another name an item's `calendarCode` refers to. */
  readonly code: string;
  /**
   * Local wall time = UTC + this offset. A fixed offset only: calendars here are for zones without
   * daylight saving time (Asia/Shanghai has kept UTC+8 all year since 1991), which keeps every local
   * day exactly 24 hours long and the arithmetic free of a time-zone database.
   */
  readonly utcOffsetMinutes: number;
  readonly weeklyHours: WeeklyHours;
  /**
   * Hours of a day marked working whose weekday has none in `weeklyHours`: a 调休 Saturday or
   * Sunday is worked as an ordinary weekday (the zone's default: Monday's hours).
   */
  readonly adjustedWorkdayHours: DayHours;
  /** Holidays and adjusted working days, keyed by local date. */
  readonly days: ReadonlyMap<LocalDate, DayOverride>;
  readonly daysRule: DaysRule;
}

/** One working interval of a day, as instants. */
export interface UtcInterval {
  start: Date;
  end: Date;
}

/** A day as `GET /calendars/{code}/days` lists it: `name` only when an override names it. */
export interface CalendarDay {
  date: LocalDate;
  working: boolean;
  name?: string;
}
