import { Clock, formatInstant } from '#common';
import { Injectable } from '@nestjs/common';
import { filterView, requestWhere } from './report-filters.js';
import type { ReportDb } from './report-reads.js';
import { AGE_BUCKETS, type BacklogReport, type ReportFilters } from './reports.types.js';
import { DAY_MS } from './zone-dates.js';

const OPEN_STATUSES = ['submitted', 'supplement_required', 'in_progress'] as const;

/** Backlog: the open requests now, per status, counted by how long ago they were submitted. */
@Injectable()
export class BacklogQuery {
  constructor(private readonly clock: Clock) {}

  /** The report of filters already scoped to the manager who asks (the period is not read). */
  async run(db: ReportDb, f: ReportFilters): Promise<BacklogReport> {
    const now = this.clock.now();
    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const where = requestWhere(f, 'r');
    const bounds = [1, 3, 7, 15].map(ago);
    const rows = (await db.query(
      `SELECT r.status AS status, COUNT(*) AS total,
              SUM(r.submitted_at > ?) AS b0, SUM(r.submitted_at <= ? AND r.submitted_at > ?) AS b1,
              SUM(r.submitted_at <= ? AND r.submitted_at > ?) AS b2, SUM(r.submitted_at <= ? AND r.submitted_at > ?) AS b3,
              SUM(r.submitted_at <= ?) AS b4
         FROM service_requests r
        WHERE r.status IN (${OPEN_STATUSES.map(() => '?').join(', ')}) ${where.sql.map((s) => `AND ${s}`).join(' ')}
        GROUP BY r.status`,
      [
        bounds[0],
        bounds[0],
        bounds[1],
        bounds[1],
        bounds[2],
        bounds[2],
        bounds[3],
        bounds[3],
        ...OPEN_STATUSES,
        ...where.params,
      ],
    )) as Record<string, string | number>[];
    const byStatus = new Map(rows.map((r) => [String(r.status), r]));
    return {
      asOf: formatInstant(now),
      filters: filterView(f),
      rows: OPEN_STATUSES.map((status) => {
        const r = byStatus.get(status);
        const counts = Object.fromEntries(AGE_BUCKETS.map((b, i) => [b, Number(r?.[`b${i}`] ?? 0)])) as Record<
          (typeof AGE_BUCKETS)[number],
          number
        >;
        return { status, total: Number(r?.total ?? 0), ...counts };
      }),
    };
  }
}
