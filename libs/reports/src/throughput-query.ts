import { Injectable } from '@nestjs/common';
import { DailyCounts, ENDED_METRICS } from './daily-counts.js';
import { filterView, requestWhere } from './report-filters.js';
import type { ReportDb } from './report-reads.js';
import type { ReportFilters, ThroughputInterval, ThroughputReport, ThroughputRow } from './reports.types.js';
import { addDays, dateText, mondayOf, zoneMidnight } from './zone-dates.js';

/**
 * Throughput: per day or week (from Monday), the requests submitted, accepted and ended by
 * outcome. Days already counted come from the daily counts; the others are counted live.
 */
@Injectable()
export class ThroughputQuery {
  constructor(private readonly daily: DailyCounts) {}

  /** The report of filters already scoped to the manager who asks. */
  async run(db: ReportDb, interval: ThroughputInterval, f: ReportFilters): Promise<ThroughputReport> {
    const where = requestWhere(f, 'r');
    const extra = where.sql.map((s) => `AND ${s}`).join(' ');
    type Field = Exclude<keyof ThroughputRow, 'period'>;
    const counts: { day: string; field: Field; n: number }[] = [];
    // Days already counted come from the daily counts (unless a department filter needs the steps).
    let live: [string, string][] = [[f.from, f.to]];
    if (!f.departmentCode) {
      const read = await this.daily.read(db, f.from, f.to, ['submitted', 'accepted', ...ENDED_METRICS], f);
      for (const c of read.counts) counts.push({ day: c.day, field: c.metric as Field, n: c.n });
      live = read.uncounted;
    }
    for (const [a, b] of live) {
      const range = [zoneMidnight(a), zoneMidnight(addDays(b, 1))];
      for (const [field, column] of [
        ['submitted', 'submitted_at'],
        ['accepted', 'accepted_at'],
      ] as const) {
        const rows = (await db.query(
          `SELECT DATE(r.${column} + INTERVAL 8 HOUR) AS d, COUNT(*) AS n FROM service_requests r
            WHERE r.${column} >= ? AND r.${column} < ? ${extra} GROUP BY d`,
          [...range, ...where.params],
        )) as { d: Date | string; n: string | number }[];
        for (const r of rows) counts.push({ day: dateText(r.d), field, n: Number(r.n) });
      }
      const ended = (await db.query(
        `SELECT DATE(r.ended_at + INTERVAL 8 HOUR) AS d, r.status AS status, COUNT(*) AS n FROM service_requests r
          WHERE r.ended_at >= ? AND r.ended_at < ? AND r.status IN (${ENDED_METRICS.map(() => '?').join(', ')}) ${extra}
          GROUP BY d, status`,
        [...range, ...ENDED_METRICS, ...where.params],
      )) as { d: Date | string; status: Field; n: string | number }[];
      for (const r of ended) counts.push({ day: dateText(r.d), field: r.status, n: Number(r.n) });
    }

    const periodOf = (day: string) => (interval === 'week' ? mondayOf(day) : day);
    const rows = new Map<string, ThroughputRow>();
    for (let day = f.from; day <= f.to; day = addDays(day, 1)) {
      const p = periodOf(day);
      if (!rows.has(p))
        rows.set(p, { period: p, submitted: 0, accepted: 0, completed: 0, denied: 0, refused: 0, withdrawn: 0 });
    }
    const add = (day: string, field: Exclude<keyof ThroughputRow, 'period'>, n: number) => {
      const row = rows.get(periodOf(day));
      if (row) row[field] += n;
    };
    for (const c of counts) add(c.day, c.field, c.n);
    return { from: f.from, to: f.to, interval, filters: filterView(f), rows: [...rows.values()] };
  }
}
