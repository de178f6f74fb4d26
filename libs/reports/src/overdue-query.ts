import { CalendarService, workingMinutesBetween } from '#calendar';
import { Clock, formatInstant } from '#common';
import { Injectable } from '@nestjs/common';
import { filterView, requestWhere } from './report-filters.js';
import type { ReportDb } from './report-reads.js';
import type { OverdueItem, OverdueReport, ReportFilters } from './reports.types.js';

/** The overdue list gives the oldest 100 by default and at most 5,000 (a download); `total` counts them all. */
export const OVERDUE_DEFAULT_LIMIT = 100;
export const OVERDUE_MAX_LIMIT = 5000;

/**
 * The overdue list: every open clock past its due time now, oldest due first, with who holds it
 * and by how many working minutes it is late.
 */
@Injectable()
export class OverdueQuery {
  constructor(
    private readonly calendars: CalendarService,
    private readonly clock: Clock,
  ) {}

  /** The report of filters already scoped to the manager who asks (the period is not read). */
  async run(db: ReportDb, f: ReportFilters, limit: number): Promise<OverdueReport> {
    const now = this.clock.now();
    const where = requestWhere(f, 'r');
    const rows = (await db.query(
      `SELECT c.request_id, c.kind, c.step_key, c.calendar_code, c.due_at, r.number, r.item_code, r.hall_code,
              s.department_code
         FROM sla_clocks c
         JOIN service_requests r ON r.id = c.request_id
         LEFT JOIN request_steps s ON s.request_id = c.request_id AND s.step_key = c.step_key
        WHERE c.stopped_at IS NULL AND (c.overdue_at IS NOT NULL OR (c.paused_at IS NULL AND c.due_at <= ?))
          ${where.sql.map((s) => `AND ${s}`).join(' ')}
        ORDER BY c.due_at, c.id
        LIMIT ${Math.min(Math.max(1, Math.floor(limit)), OVERDUE_MAX_LIMIT)}`,
      [now, ...where.params],
    )) as {
      request_id: string | number;
      kind: string;
      step_key: string | null;
      calendar_code: string;
      due_at: Date;
      number: string;
      item_code: string;
      hall_code: string | null;
      department_code: string | null;
    }[];
    const items: OverdueItem[] = [];
    // The rows come oldest due first: per calendar, the working time from the first due time to
    // now is counted once, and each next row's only from the row before it (working time adds up).
    const walk = new Map<string, { total: number; at: Date; since: number }>();
    for (const r of rows) {
      const cal = await this.calendars.definition(r.calendar_code);
      let overdue = 0;
      if (r.due_at < now) {
        let w = walk.get(r.calendar_code);
        if (!w)
          walk.set(r.calendar_code, (w = { total: workingMinutesBetween(cal, r.due_at, now), at: r.due_at, since: 0 }));
        w.since += workingMinutesBetween(cal, w.at, r.due_at);
        w.at = r.due_at;
        overdue = w.total - w.since;
      }
      items.push({
        requestId: String(r.request_id),
        number: r.number,
        itemCode: r.item_code,
        hallCode: r.hall_code,
        clock: r.kind,
        stepKey: r.step_key,
        holder:
          r.kind === 'step' ? { kind: 'department', code: r.department_code } : { kind: 'hall', code: r.hall_code },
        dueAt: formatInstant(r.due_at),
        overdueWorkingMinutes: Math.round(overdue),
      });
    }
    const [{ total }] = (await db.query(
      `SELECT COUNT(*) AS total FROM sla_clocks c ${where.sql.length > 0 ? 'JOIN service_requests r ON r.id = c.request_id' : ''}
        WHERE c.stopped_at IS NULL AND (c.overdue_at IS NOT NULL OR (c.paused_at IS NULL AND c.due_at <= ?))
          ${where.sql.map((s) => `AND ${s}`).join(' ')}`,
      [now, ...where.params],
    )) as { total: string | number }[];
    return {
      asOf: formatInstant(now),
      filters: filterView(f),
      total: Number(total),
      items,
      truncated: Number(total) > items.length,
    };
  }
}
