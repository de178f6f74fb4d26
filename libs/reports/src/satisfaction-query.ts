import { Clock } from '#common';
import { Injectable } from '@nestjs/common';
import { DailyCounts } from './daily-counts.js';
import { round } from './percentiles.js';
import { addWhere, filterView, requestWhere, type Where } from './report-filters.js';
import type { ReportDb } from './report-reads.js';
import type { ReportFilters, SatisfactionGroup, SatisfactionReport, SatisfactionRow } from './reports.types.js';
import { addDays, zoneMidnight } from './zone-dates.js';

/** A group's row before anything is counted into it. */
const emptyRow = (k: string | null): SatisfactionRow => ({
  key: k,
  evaluations: 0,
  score1: 0,
  score2: 0,
  score3: 0,
  score4: 0,
  score5: 0,
  meanScore: null,
  badReviews: 0,
  badReviewRate: null,
  followUpsOpened: 0,
  followUpsClosed: 0,
  followUpsClosedOnTime: 0,
  followUpOnTimeRate: null,
  followUpsOverdue: 0,
});

/**
 * 好差评: evaluations given in the period per score, the bad-review rate, and the follow-ups
 * (整改) those opened: closed, closed within their clock, and open past due now.
 */
@Injectable()
export class SatisfactionQuery {
  constructor(
    private readonly clock: Clock,
    private readonly daily: DailyCounts,
  ) {}

  /** The report of filters already scoped to the manager who asks. */
  async run(db: ReportDb, groupBy: SatisfactionGroup, f: ReportFilters): Promise<SatisfactionReport> {
    const now = this.clock.now();
    const where = requestWhere(f, 'e');
    const key = groupBy === 'hall' ? 'e.hall_code' : 'e.item_code';
    const period = [zoneMidnight(f.from), zoneMidnight(addDays(f.to, 1))];
    const filter = where.sql.map((w) => `AND ${w}`).join(' ');
    // The scores from the covering index alone; then only the bad reviews' follow-ups and clocks.
    const scores: { k: string | null; score: number; n: string }[] = [];
    let live: [string, string][] = [[f.from, f.to]];
    if (!f.departmentCode) {
      const read = await this.daily.read(db, f.from, f.to, ['score1', 'score2', 'score3', 'score4', 'score5'], f);
      for (const c of read.counts) {
        scores.push({
          k: groupBy === 'hall' ? c.hallCode : c.itemCode,
          score: Number(c.metric.slice(5)),
          n: String(c.n),
        });
      }
      live = read.uncounted;
    }
    for (const [a, b] of live) {
      scores.push(
        ...((await db.query(
          `SELECT ${key} AS k, e.score AS score, COUNT(*) AS n FROM evaluations e
            WHERE e.evaluated_at >= ? AND e.evaluated_at < ? ${filter}
            GROUP BY k, score`,
          [zoneMidnight(a), zoneMidnight(addDays(b, 1)), ...where.params],
        )) as { k: string | null; score: number; n: string }[]),
      );
    }
    // Follow-ups open with their evaluation (same instant, same hall): read by when they opened.
    const needsItem = groupBy === 'item' || f.itemCode !== undefined;
    const fuWhere: Where = { sql: [], params: [] };
    if (f.hallCode) addWhere(fuWhere, 'fu.hall_code = ?', f.hallCode);
    if (f.itemCode) addWhere(fuWhere, 'e.item_code = ?', f.itemCode);
    if (f.departmentCode) {
      addWhere(
        fuWhere,
        'EXISTS (SELECT 1 FROM request_steps ds WHERE ds.request_id = fu.request_id AND ds.department_code = ?)',
        f.departmentCode,
      );
    }
    const followUps = (await db.query(
      `SELECT ${groupBy === 'hall' ? 'fu.hall_code' : 'e.item_code'} AS k, COUNT(*) AS opened,
              SUM(fu.status = 'closed') AS closed,
              SUM(fu.status = 'closed' AND c.overdue_at IS NULL AND c.stopped_at <= c.due_at) AS on_time,
              SUM(fu.status <> 'closed' AND c.stopped_at IS NULL AND c.paused_at IS NULL
                  AND (c.overdue_at IS NOT NULL OR c.due_at <= ?)) AS overdue
         FROM follow_ups fu
         ${needsItem ? 'JOIN evaluations e ON e.id = fu.evaluation_id' : ''}
         LEFT JOIN sla_clocks c ON c.kind = 'follow-up' AND c.request_id = fu.request_id
        WHERE fu.opened_at >= ? AND fu.opened_at < ? ${fuWhere.sql.map((w) => `AND ${w}`).join(' ')}
        GROUP BY k`,
      [now, ...period, ...fuWhere.params],
    )) as { k: string | null; opened: string; closed: string | null; on_time: string | null; overdue: string | null }[];
    const rows = [
      ...scores.map((r) => ({ ...r, opened: '0', closed: null, on_time: null, overdue: null })),
      ...followUps.map((r) => ({ ...r, score: 0, n: '0' })),
    ];
    const total = emptyRow(null);
    const groups = new Map<string | null, SatisfactionRow>();
    const sums = new Map<SatisfactionRow, number>();
    for (const r of rows) {
      const k = r.k === null ? null : String(r.k);
      const g = groups.get(k) ?? emptyRow(k);
      groups.set(k, g);
      for (const row of [g, total]) {
        const n = Number(r.n);
        const score = Number(r.score);
        if (score >= 1 && score <= 5) {
          row.evaluations += n;
          row[`score${score as 1 | 2 | 3 | 4 | 5}`] += n;
          if (score <= 2) row.badReviews += n;
          sums.set(row, (sums.get(row) ?? 0) + score * n);
        }
        row.followUpsOpened += Number(r.opened);
        row.followUpsClosed += Number(r.closed ?? 0);
        row.followUpsClosedOnTime += Number(r.on_time ?? 0);
        row.followUpsOverdue += Number(r.overdue ?? 0);
      }
    }
    for (const row of [total, ...groups.values()]) {
      if (row.evaluations > 0) {
        row.meanScore = round((sums.get(row) ?? 0) / row.evaluations, 3);
        row.badReviewRate = round(row.badReviews / row.evaluations, 4);
      }
      if (row.followUpsClosed > 0) row.followUpOnTimeRate = round(row.followUpsClosedOnTime / row.followUpsClosed, 4);
    }
    const out = [...groups.values()].sort(
      (a, b) => b.evaluations - a.evaluations || String(a.key).localeCompare(String(b.key)),
    );
    return { from: f.from, to: f.to, groupBy, filters: filterView(f), total, rows: out };
  }
}
