import type { JsonValue } from './json.js';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** 工作日历: weekly working hours and how working days are counted; its dated days are CalendarDayRow. */
@Entity('calendars')
export class CalendarRow {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'utc_offset_minutes', type: 'smallint' })
  utcOffsetMinutes: number;

  /** Seven lists (Sunday first) of working intervals in local minutes since midnight. */
  @Column({ name: 'weekly_hours', type: 'json' })
  weeklyHours: JsonValue;

  @Column({ name: 'adjusted_workday_hours', type: 'json' })
  adjustedWorkdayHours: JsonValue;

  @Column({ name: 'days_rule', type: 'varchar', length: 24 })
  daysRule: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** The next number on every edit of its days: clocks keep the revision they are laid out on. */
  @Column({ type: 'bigint', unsigned: true, default: 0 })
  revision: string;

  /** Moves on every edit of the calendar or its days, so every instance notices and reloads it. */
  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}

/** A dated exception: an official holiday, a 调休 workday, or an admin's edit. */
@Entity('calendar_days')
export class CalendarDayRow {
  @PrimaryColumn({ name: 'calendar_code', type: 'varchar', length: 32 })
  calendarCode: string;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @Column({ type: 'boolean' })
  working: boolean;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** `official` (a State Council schedule shipped with the release) or `admin`. */
  @Column({ type: 'varchar', length: 16 })
  source: string;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
