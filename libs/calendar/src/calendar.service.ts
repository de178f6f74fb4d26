import { AuditWriter } from '#audit';
import { Clock, formatInstant, notFound, validationFailed } from '#common';
import type { Actor } from '#identity';
import { OutboxWriter } from '#queue';
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  DAYS_RULES,
  type CalendarDay,
  type CalendarDefinition,
  type DayHours,
  type DaysRule,
  type LocalDate,
  type WeeklyHours,
  type WorkingTimeLimit,
} from './calendar.types.js';
import { officialHolidayDays } from './holidays.js';
import { addWorkingTime, calendarDays, localDateToDayNumber } from './working-time.js';
import { ALWAYS, ALWAYS_CALENDAR_CODE, defineCalendar, ZONE_CALENDAR_CODE, zoneCalendar } from './zone-calendar.js';

/** How long an instance trusts its copy of a calendar before looking for another instance's edit. */
const CACHE_MS = 10_000;
/** The longest span `GET /calendars/{code}/days` lists at once. */
export const MAX_DAYS_LISTED = 366;

const NAMES: Record<string, string> = { zone: '开发区工作日历', always: '全天候（24x7）' };

interface CalendarRecord {
  code: string;
  utc_offset_minutes: number;
  weekly_hours: unknown;
  adjusted_workday_hours: unknown;
  days_rule: string;
  revision: string | number;
  updated_at: Date;
}

/** mysql2 returns JSON columns parsed on MySQL and as text on MariaDB. */
const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

function validDate(date: string, what: string): LocalDate {
  if (localDateToDayNumber(date) === null) throw validationFailed(`${what} must be a real date written YYYY-MM-DD`);
  return date;
}

/**
 * Calendars as stored: the built-in `zone` and `always`, the State Council's schedules shipped with
 * the release (loaded at start, never over an edit), and admins' edits of single days.
 */
@Injectable()
export class CalendarService implements OnApplicationBootstrap {
  private readonly cache = new Map<string, { definition: CalendarDefinition; loadedAt: number }>();
  private readonly loading = new Map<string, Promise<CalendarDefinition>>();
  private readonly revisions = new Map<string, number>();

  /** The revision of the calendar as this instance has it (the one new clocks are laid out on). */
  revisionOf(code: string): number {
    return this.revisions.get(code) ?? 0;
  }

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly outbox: OutboxWriter,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.loadShipped();
    // Every stored calendar, not only the built-in ones: a transaction asking for one this process
    // has not loaded would wait for a second pooled connection (see definition).
    const stored = (await this.dataSource.query('SELECT code FROM calendars')) as { code: string }[];
    const codes = new Set([ZONE_CALENDAR_CODE, ALWAYS_CALENDAR_CODE, ...stored.map((row) => row.code)]);
    for (const code of codes) await this.load(code);
  }

  /** Creates the built-in calendars and adds the shipped official days that are not there yet. */
  async loadShipped(): Promise<number> {
    const now = this.clock.now();
    for (const calendar of [zoneCalendar(), ALWAYS]) {
      await this.dataSource.query(
        `INSERT IGNORE INTO calendars (code, name, utc_offset_minutes, weekly_hours, adjusted_workday_hours, days_rule,
           created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          calendar.code,
          NAMES[calendar.code] ?? calendar.code,
          calendar.utcOffsetMinutes,
          JSON.stringify(calendar.weeklyHours),
          JSON.stringify(calendar.adjustedWorkdayHours),
          calendar.daysRule,
          now,
          now,
        ],
      );
    }
    const days = [...officialHolidayDays()];
    const result = (await this.dataSource.query(
      `INSERT IGNORE INTO calendar_days (calendar_code, day, working, name, source, updated_at) VALUES ${days
        .map(() => "(?, ?, ?, ?, 'official', ?)")
        .join(', ')}`,
      days.flatMap(([date, day]) => [ZONE_CALENDAR_CODE, date, day.working, day.name, now]),
    )) as { affectedRows?: number };
    const added = result.affectedRows ?? 0;
    if (added > 0) {
      await this.dataSource.query('UPDATE calendars SET updated_at = ? WHERE code = ?', [now, ZONE_CALENDAR_CODE]);
    }
    this.cache.clear();
    return added;
  }

  /**
   * The calendar as the arithmetic uses it; NotFound for a code that names none. A copy older than
   * CACHE_MS is still answered while a newer one loads in the background: callers inside a
   * transaction must never wait for a second pooled connection (32 concurrent actions would hold
   * every connection and wait for one more: measured, npm run bench hung).
   */
  async definition(code: string, options: { fresh?: boolean } = {}): Promise<CalendarDefinition> {
    const cached = this.cache.get(code);
    if (cached && !options.fresh) {
      if (Date.now() - cached.loadedAt >= CACHE_MS && !this.loading.has(code)) {
        void this.loadOnce(code).catch(() => undefined);
      }
      return cached.definition;
    }
    // Fresh: read now, not a load begun before the edit the caller has just made.
    return options.fresh ? this.load(code) : this.loadOnce(code);
  }

  /**
   * One load of a calendar at a time, shared by every caller that asks meanwhile: concurrent
   * transactions missing the same calendar then wait for one pooled connection, not one each (eight
   * event jobs each waiting for a ninth connection of an eight-connection pool never end).
   */
  private loadOnce(code: string): Promise<CalendarDefinition> {
    let loading = this.loading.get(code);
    if (!loading) {
      loading = this.load(code).finally(() => this.loading.delete(code));
      this.loading.set(code, loading);
    }
    return loading;
  }

  private async load(code: string): Promise<CalendarDefinition> {
    const [row] = (await this.dataSource.query(
      'SELECT code, utc_offset_minutes, weekly_hours, adjusted_workday_hours, days_rule, revision, updated_at FROM calendars WHERE code = ?',
      [code],
    )) as CalendarRecord[];
    if (!row) throw notFound(`calendar ${code}`);
    const days = (await this.dataSource.query(
      "SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, working, name FROM calendar_days WHERE calendar_code = ?",
      [row.code],
    )) as { day: string; working: number | boolean; name: string }[];
    const daysRule = row.days_rule as DaysRule;
    if (!DAYS_RULES.includes(daysRule))
      throw new Error(`calendar ${row.code} has an unknown days rule ${row.days_rule}`);
    const definition = defineCalendar({
      code: row.code,
      utcOffsetMinutes: Number(row.utc_offset_minutes),
      weeklyHours: json<WeeklyHours>(row.weekly_hours),
      adjustedWorkdayHours: json<DayHours>(row.adjusted_workday_hours),
      days: new Map(days.map((d) => [d.day, { working: Boolean(Number(d.working)), name: d.name }])),
      daysRule,
    });
    this.cache.set(code, { definition, loadedAt: Date.now() });
    this.revisions.set(code, Number(row.revision));
    return definition;
  }

  /** Every date from `from` to `to` (both included): working or not, and the name of a holiday or 调休 day. */
  async days(code: string, from: string, to: string): Promise<CalendarDay[]> {
    const first = localDateToDayNumber(validDate(from, 'from'))!;
    const last = localDateToDayNumber(validDate(to, 'to'))!;
    if (last < first) throw validationFailed('to must not be before from');
    if (last - first + 1 > MAX_DAYS_LISTED)
      throw validationFailed(`at most ${MAX_DAYS_LISTED} days are listed at once`);
    return calendarDays(await this.definition(code), from, to);
  }

  /** Marks a date a holiday (`working: false`) or an adjusted workday (`working: true`), with its name. */
  async setDay(
    actor: Actor,
    code: string,
    date: string,
    input: { working: boolean; name: string },
  ): Promise<CalendarDay> {
    validDate(date, 'date');
    const calendar = await this.definition(code);
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const now = this.clock.now();
      const previous = (await manager.query(
        'SELECT working, name, source FROM calendar_days WHERE calendar_code = ? AND day = ? FOR UPDATE',
        [calendar.code, date],
      )) as { working: number; name: string; source: string }[];
      await manager.query(
        `INSERT INTO calendar_days (calendar_code, day, working, name, source, updated_at) VALUES (?, ?, ?, ?, 'admin', ?)
         ON DUPLICATE KEY UPDATE working = VALUES(working), name = VALUES(name), source = 'admin', updated_at = VALUES(updated_at)`,
        [calendar.code, date, input.working, input.name, now],
      );
      await manager.query('UPDATE calendars SET updated_at = ?, revision = revision + 1 WHERE code = ?', [
        now,
        calendar.code,
      ]);
      const [{ revision }] = (await manager.query('SELECT revision FROM calendars WHERE code = ?', [
        calendar.code,
      ])) as {
        revision: string | number;
      }[];
      await this.audit.append(manager, {
        subjectType: 'calendar',
        subjectId: calendar.code,
        action: 'calendar.day-set',
        actor: { id: actor.id, role: actor.role, username: actor.username },
        payload: {
          date,
          before: previous[0]
            ? { working: Boolean(Number(previous[0].working)), name: previous[0].name, source: previous[0].source }
            : null,
          after: { working: input.working, name: input.name },
        },
      });
      // The open clocks on this calendar are laid out again by the worker, after the commit.
      await this.outbox.add(manager, 'calendar.day-changed', {
        calendarCode: calendar.code,
        date,
        before: previous[0] ? { working: Boolean(Number(previous[0].working)), name: previous[0].name } : null,
        after: { working: input.working, name: input.name },
        revision: Number(revision),
      });
    });
    await this.load(calendar.code);
    return { date, working: input.working, name: input.name };
  }

  /** When a limit started at `from` falls due: the arithmetic the SLA clocks use. */
  async due(code: string, from: Date, limit: WorkingTimeLimit): Promise<{ dueAt: string }> {
    const year = from.getUTCFullYear();
    if (Number.isNaN(year) || year < 2000 || year > 2100) {
      throw validationFailed('from must be an instant between the years 2000 and 2100');
    }
    return { dueAt: formatInstant(addWorkingTime(await this.definition(code), from, limit)) };
  }
}
