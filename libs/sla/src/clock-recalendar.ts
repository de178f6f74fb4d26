import { readCommitted } from '#database';
import { CalendarService, withDayOverride, workingMinutesBetween } from '#calendar';
import { Clock } from '#common';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ClockRows } from './clock-rows.js';
import { recalendarClock } from './sla-clock.js';

/**
 * Clocks counted again on their calendar: the running ones when an admin changes a date of it, and
 * the stopped ones that never kept their worked time (the reports' rebuild).
 */
@Injectable()
export class ClockRecalendar {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly rows: ClockRows,
    private readonly calendars: CalendarService,
    private readonly clock: Clock,
  ) {}

  /**
   * An admin changed one date of a calendar: every running clock on it has the working time it
   * still had (on the calendar as it was) laid out again on the calendar as it is, each under its
   * request's row lock. Returns how many clocks moved.
   */
  async recalendar(
    calendarCode: string,
    date: string,
    before: { working: boolean; name: string } | null,
    revision: number,
    batch = 500,
  ): Promise<number> {
    const now = this.clock.now();
    const after = await this.calendars.definition(calendarCode, { fresh: true });
    const previous = withDayOverride(after, date, before);
    // Only clocks still running when the changed date begins can move.
    const dayStart = new Date(Date.parse(`${date}T00:00:00Z`) - after.utcOffsetMinutes * 60_000);
    let moved = 0;
    let last = '0';
    for (;;) {
      const ids = (await this.dataSource.query(
        `SELECT id, request_id FROM sla_clocks WHERE calendar_code = ? AND stopped_at IS NULL AND paused_at IS NULL
           AND calendar_revision < ? AND GREATEST(due_at, COALESCE(legal_due_at, due_at)) > ? AND id > ?
         ORDER BY id LIMIT ?`,
        [after.code, revision, dayStart, last, batch],
      )) as { id: string | number; request_id: string | number }[];
      if (ids.length === 0) return moved;
      last = String(ids[ids.length - 1].id);
      for (const row of ids) {
        await readCommitted(this.dataSource, async (manager) => {
          await manager.query('SELECT id FROM service_requests WHERE id = ? FOR UPDATE', [row.request_id]);
          const [clock] = await this.rows.clocksById([String(row.id)], manager);
          // Laid out on this revision already (the event came twice, or the clock started after the edit).
          if (!clock || clock.stoppedAt || clock.pausedAt || clock.calendarRevision >= revision) return;
          const next = recalendarClock(previous, after, clock, now);
          await manager.query('UPDATE sla_clocks SET calendar_revision = ? WHERE id = ?', [revision, clock.id]);
          if (next.dueAt.getTime() === clock.dueAt.getTime() && next.warnAt.getTime() === clock.warnAt.getTime()) {
            return;
          }
          await this.rows.write(manager, [{ ...clock, ...next, generation: clock.generation + 1 }]);
          moved++;
        });
      }
    }
  }

  /**
   * Clocks stopped before their worked time was kept (schema Reports) get it now, from their
   * calendar as it is: the reports' rebuild runs this first. Returns how many it filled.
   */
  async fillWorkedTime(batchSize = 2000): Promise<number> {
    let filled = 0;
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT id, calendar_code, started_at, stopped_at, paused_ms FROM sla_clocks
          WHERE stopped_at IS NOT NULL AND worked_ms IS NULL ORDER BY id LIMIT ${Number(batchSize)}`,
      )) as { id: string; calendar_code: string; started_at: Date; stopped_at: Date; paused_ms: string | number }[];
      if (rows.length === 0) return filled;
      for (const r of rows) {
        const cal = await this.calendars.definition(r.calendar_code);
        const end = r.stopped_at < r.started_at ? r.started_at : r.stopped_at;
        const worked = Math.max(0, workingMinutesBetween(cal, r.started_at, end) * 60_000 - Number(r.paused_ms));
        await this.dataSource.query('UPDATE sla_clocks SET worked_ms = ? WHERE id = ?', [Math.round(worked), r.id]);
      }
      filled += rows.length;
    }
  }
}
