import { retryOnDeadlock } from '#common';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { ReportDb } from './report-reads.js';
import type { RollupDimension } from './reports.types.js';
import { addDays, dateText, monthEnd, monthOf } from './zone-dates.js';

export type Grain = 'day' | 'month';

/** Where each turnaround dimension's facts are, and what it groups by. */
const DIMS: Record<RollupDimension, { table: string; day: string; outcome: string; key: string }> = {
  item: { table: 'report_requests', day: 'ended_day', outcome: 'completed', key: 'item_code' },
  hall: { table: 'report_requests', day: 'ended_day', outcome: 'completed', key: 'hall_code' },
  department: { table: 'report_steps', day: 'decided_day', outcome: 'approved', key: 'department_code' },
  step: { table: 'report_steps', day: 'decided_day', outcome: 'approved', key: 'step_key' },
  approver: { table: 'report_steps', day: 'decided_day', outcome: 'approved', key: 'approver_id' },
};
const REQUEST_DIMS: RollupDimension[] = ['item', 'hall'];
const STEP_DIMS: RollupDimension[] = ['department', 'step', 'approver'];
const GRAINS: Grain[] = ['day', 'month'];

/** One group's turnaround figures: counts, sums, and how many took each whole worked minute. */
export interface Aggregate {
  n: number;
  worked: number;
  onTime: number;
  /** How many had a legal limit (法定时限), and how many of those ended within it. */
  legalN: number;
  legalOnTime: number;
  elapsed: number;
  elapsedN: number;
  minutes: Map<number, number>;
}

export const emptyAggregate = (): Aggregate => ({
  n: 0,
  worked: 0,
  onTime: 0,
  legalN: 0,
  legalOnTime: 0,
  elapsed: 0,
  elapsedN: 0,
  minutes: new Map(),
});

function addInto(target: Aggregate, part: Omit<Aggregate, 'minutes'>, minutes: Iterable<[number, number]>): void {
  target.n += part.n;
  target.worked += part.worked;
  target.onTime += part.onTime;
  target.legalN += part.legalN;
  target.legalOnTime += part.legalOnTime;
  target.elapsed += part.elapsed;
  target.elapsedN += part.elapsedN;
  for (const [m, c] of minutes) target.minutes.set(m, (target.minutes.get(m) ?? 0) + c);
}

interface FactRow {
  k: string | number | null;
  m: string | number;
  n: string | number;
  worked: string | number;
  on_time: string | number | null;
  legal_n: string | number;
  legal_on_time: string | number | null;
  elapsed: string | number | null;
  elapsed_n: string | number;
}

/**
 * The rollups of the turnaround facts (migration ReportRollups) and the one way reports read
 * them: `aggregate()` merges the up-to-date months and days of a period and counts everything
 * else from the facts, so its figures are those of a full scan whatever state the rollups are in.
 */
@Injectable()
export class ReportRollups {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Marks the periods the facts of these requests fall in: called with the facts' own upsert. */
  async mark(manager: EntityManager, requestIds: readonly string[]): Promise<void> {
    if (requestIds.length === 0) return;
    const marks = new Map<string, [Grain, string, string, string]>();
    const add = (dims: RollupDimension[], day: string, hall: string | null) => {
      for (const grain of GRAINS) {
        const period = grain === 'day' ? day : monthOf(day);
        for (const dim of dims) {
          for (const scope of hall ? ['', hall] : [''])
            marks.set(`${grain}|${dim}|${scope}|${period}`, [grain, dim, scope, period]);
        }
      }
    };
    const list = requestIds.map(() => '?').join(', ');
    const rows = (await manager.query(
      `SELECT 'request' AS src, ended_day AS d, hall_code AS h FROM report_requests
        WHERE request_id IN (${list}) AND outcome = 'completed'
       UNION ALL
       SELECT 'step', decided_day, hall_code FROM report_steps WHERE request_id IN (${list}) AND outcome = 'approved'`,
      [...requestIds, ...requestIds],
    )) as { src: string; d: Date | string; h: string | null }[];
    for (const r of rows) add(r.src === 'request' ? REQUEST_DIMS : STEP_DIMS, dateText(r.d), r.h);
    if (marks.size === 0) return;
    // One order for every writer, so two markings never wait on each other in a circle.
    const sorted = [...marks.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    await manager.query(
      `INSERT INTO report_rollup_periods (grain, dim, scope_hall, period, dirty, clean, stale)
       VALUES ${sorted.map(() => '(?, ?, ?, ?, 1, 0, 1)').join(', ')}
       ON DUPLICATE KEY UPDATE dirty = dirty + 1, stale = 1`,
      sorted.flat(),
    );
  }

  /** Recomputes up to `limit` stale periods from the facts; returns how many it refreshed. */
  async refresh(limit = 200): Promise<number> {
    const stale = (await this.dataSource.query(
      `SELECT grain, dim, scope_hall, period, dirty FROM report_rollup_periods WHERE stale = 1
        ORDER BY grain DESC, period LIMIT ${Number(limit)}`,
    )) as { grain: Grain; dim: RollupDimension; scope_hall: string; period: Date | string; dirty: number }[];
    for (const p of stale) await this.refreshOne(p.grain, p.dim, p.scope_hall, dateText(p.period), Number(p.dirty));
    return stale.length;
  }

  /** Every stale period, batch after batch: the end of `npm run reports:rebuild`. */
  async refreshAll(progress: (done: number) => void = () => undefined): Promise<number> {
    let done = 0;
    for (let n = await this.refresh(); n > 0; n = await this.refresh()) {
      done += n;
      progress(done);
    }
    return done;
  }

  private async refreshOne(
    grain: Grain,
    dim: RollupDimension,
    scope: string,
    period: string,
    dirty: number,
  ): Promise<void> {
    const last = grain === 'day' ? period : monthEnd(period);
    const groups = await this.fromFacts(this.dataSource.manager, dim, scope, [[period, last]]);
    await retryOnDeadlock(() =>
      this.dataSource.transaction('REPEATABLE READ', async (m) => {
        const pk = [grain, dim, scope, period];
        await m.query('DELETE FROM report_rollups WHERE grain = ? AND dim = ? AND scope_hall = ? AND period = ?', pk);
        const rows = [...groups.entries()];
        for (let i = 0; i < rows.length; i += 500) {
          const slice = rows.slice(i, i + 500);
          await m.query(
            `INSERT INTO report_rollups (grain, dim, scope_hall, period, k, n, worked_sum, on_time, legal_n, legal_on_time,
                                         elapsed_sum, elapsed_n, minutes)
             VALUES ${slice.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
            slice.flatMap(([k, a]) => [
              ...pk,
              k ?? '',
              a.n,
              a.worked,
              a.onTime,
              a.legalN,
              a.legalOnTime,
              a.elapsed,
              a.elapsedN,
              JSON.stringify([...a.minutes.entries()].sort((x, y) => x[0] - y[0])),
            ]),
          );
        }
        await m.query(
          `UPDATE report_rollup_periods SET clean = ?, stale = (dirty <> ?)
            WHERE grain = ? AND dim = ? AND scope_hall = ? AND period = ?`,
          [dirty, dirty, ...pk],
        );
      }),
    );
  }

  /**
   * The figures of each key of `dim` over the days from..to (both included), for one hall or ('')
   * all: whole months and days whose rollup is up to date come from the rollups, the rest from the
   * facts.
   */
  async aggregate(
    db: ReportDb,
    dim: RollupDimension,
    scope: string,
    from: string,
    to: string,
    onlyKey?: string,
  ): Promise<Map<string | null, Aggregate>> {
    // The whole months inside the period, and the days around them.
    const months: string[] = [];
    for (
      let m = monthOf(from) === from ? from : monthOf(addDays(monthEnd(monthOf(from)), 1));
      monthEnd(m) <= to;
      m = addDays(monthEnd(m), 1)
    ) {
      months.push(m);
    }
    const periods = (await db.query(
      `SELECT grain, period, stale FROM report_rollup_periods
        WHERE dim = ? AND scope_hall = ? AND ((grain = 'month' AND period BETWEEN ? AND ?) OR (grain = 'day' AND period BETWEEN ? AND ?))`,
      [dim, scope, from, to, from, to],
    )) as { grain: Grain; period: Date | string; stale: number }[];
    const state = new Map(periods.map((p) => [`${p.grain}|${dateText(p.period)}`, Number(p.stale) === 0]));
    const fresh = (grain: Grain, period: string) => state.get(`${grain}|${period}`);

    const useMonths = months.filter((m) => fresh('month', m) === true);
    const coveredByMonth = (day: string) => useMonths.includes(monthOf(day)) && monthOf(day) >= from;
    // Days not in a usable month: a fresh day rollup, nothing (no facts were ever marked), or the facts.
    const useDays: string[] = [];
    const scan: [string, string][] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      if (coveredByMonth(day)) continue;
      const f = fresh('day', day);
      if (f === true) useDays.push(day);
      else if (f === false) {
        const lastRange = scan[scan.length - 1];
        if (lastRange && addDays(lastRange[1], 1) === day) lastRange[1] = day;
        else scan.push([day, day]);
      }
    }

    const out = new Map<string | null, Aggregate>();
    const into = (k: string | null) => {
      let a = out.get(k);
      if (!a) out.set(k, (a = emptyAggregate()));
      return a;
    };
    for (const [grain, list] of [
      ['month', useMonths],
      ['day', useDays],
    ] as const) {
      for (let i = 0; i < list.length; i += 400) {
        const slice = list.slice(i, i + 400);
        if (slice.length === 0) continue;
        const rows = (await db.query(
          `SELECT k, n, worked_sum, on_time, legal_n, legal_on_time, elapsed_sum, elapsed_n, minutes FROM report_rollups
            WHERE grain = ? AND dim = ? AND scope_hall = ? AND period IN (${slice.map(() => '?').join(', ')})
            ${onlyKey === undefined ? '' : 'AND k = ?'}`,
          [grain, dim, scope, ...slice, ...(onlyKey === undefined ? [] : [onlyKey])],
        )) as {
          k: string;
          n: number;
          worked_sum: string;
          on_time: number;
          legal_n: number;
          legal_on_time: number;
          elapsed_sum: string;
          elapsed_n: number;
          minutes: string;
        }[];
        for (const r of rows) {
          addInto(
            into(r.k === '' ? null : r.k),
            {
              n: Number(r.n),
              worked: Number(r.worked_sum),
              onTime: Number(r.on_time),
              legalN: Number(r.legal_n),
              legalOnTime: Number(r.legal_on_time),
              elapsed: Number(r.elapsed_sum),
              elapsedN: Number(r.elapsed_n),
            },
            JSON.parse(r.minutes) as [number, number][],
          );
        }
      }
    }
    if (scan.length > 0) {
      for (const [k, a] of await this.fromFacts(db, dim, scope, scan, onlyKey)) {
        addInto(into(k), a, a.minutes);
      }
    }
    return out;
  }

  /** The figures of each key counted from the facts of the given day ranges. */
  private async fromFacts(
    db: ReportDb,
    dim: RollupDimension,
    scope: string,
    ranges: [string, string][],
    onlyKey?: string,
  ): Promise<Map<string | null, Aggregate>> {
    const d = DIMS[dim];
    const params: unknown[] = [d.outcome];
    const when = ranges.map(([a, b]) => {
      params.push(a, b);
      return `f.${d.day} BETWEEN ? AND ?`;
    });
    if (scope) params.push(scope);
    if (onlyKey !== undefined) params.push(onlyKey);
    const rows = (await db.query(
      `SELECT f.${d.key} AS k, f.worked_ms DIV 60000 AS m, COUNT(*) AS n, SUM(f.worked_ms) AS worked, SUM(f.on_time) AS on_time,
              COUNT(f.legal_on_time) AS legal_n, SUM(f.legal_on_time) AS legal_on_time,
              SUM(f.elapsed_ms) AS elapsed, COUNT(f.elapsed_ms) AS elapsed_n
         FROM ${d.table} f
        WHERE f.outcome = ? AND (${when.join(' OR ')}) AND f.worked_ms IS NOT NULL
          ${scope ? 'AND f.hall_code = ?' : ''} ${onlyKey === undefined ? '' : `AND f.${d.key} = ?`}
        GROUP BY k, m`,
      params,
    )) as FactRow[];
    const out = new Map<string | null, Aggregate>();
    for (const r of rows) {
      const k = r.k === null ? null : String(r.k);
      let a = out.get(k);
      if (!a) out.set(k, (a = emptyAggregate()));
      addInto(
        a,
        {
          n: Number(r.n),
          worked: Number(r.worked),
          onTime: Number(r.on_time ?? 0),
          legalN: Number(r.legal_n),
          legalOnTime: Number(r.legal_on_time ?? 0),
          elapsed: Number(r.elapsed ?? 0),
          elapsedN: Number(r.elapsed_n),
        },
        [[Number(r.m), Number(r.n)]],
      );
    }
    return out;
  }
}
