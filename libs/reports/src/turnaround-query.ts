import { Injectable } from '@nestjs/common';
import { type Bucket, nearestRank, round } from './percentiles.js';
import { addWhere, filterView, type Where } from './report-filters.js';
import type { ReportDb } from './report-reads.js';
import type {
  ReportFilters,
  RollupDimension,
  TurnaroundGroup,
  TurnaroundReport,
  TurnaroundRow,
} from './reports.types.js';
import { type Aggregate, emptyAggregate, ReportRollups } from './rollups.js';
import { DAY_MS } from './zone-dates.js';

const HOUR_MS = 3_600_000;

/**
 * Turnaround: for each group, how many ended, how many on time (against the promise and against
 * the law), and the working time they took (mean, median, p90) with the natural time. It reads
 * the facts the worker keeps (report-facts.ts) or their rollups: one row per distinct worked
 * minute with its count, so the median and p90 are exact (nearest rank) and the database sends
 * at most a few thousand rows however many requests the period holds.
 */
@Injectable()
export class TurnaroundQuery {
  constructor(private readonly rollups: ReportRollups) {}

  /** The report of filters already scoped to the manager who asks. */
  async run(db: ReportDb, groupBy: TurnaroundGroup, f: ReportFilters): Promise<TurnaroundReport> {
    const groups =
      groupBy === 'hallLevel'
        ? await this.byHallLevel(db, await this.aggregates(db, 'hall', f))
        : await this.aggregates(db, groupBy, f);
    const names = groupBy === 'approver' ? await this.usernames(db, [...groups.keys()]) : null;
    const out: TurnaroundRow[] = [...groups.entries()]
      .filter(([, g]) => g.n > 0)
      .map(([k, g]) => {
        const buckets: Bucket[] = [...g.minutes.entries()].map(([value, count]) => ({ value, count }));
        const median = nearestRank(buckets, 0.5);
        const p90 = nearestRank(buckets, 0.9);
        return {
          key: names ? (k === null ? null : (names.get(k) ?? k)) : k,
          completed: g.n,
          onTime: g.onTime,
          onTimeRate: round(g.onTime / g.n, 4),
          legalOnTime: g.legalOnTime,
          legalBreached: g.legalN - g.legalOnTime,
          legalOnTimeRate: g.legalN ? round(g.legalOnTime / g.legalN, 4) : null,
          meanWorkingHours: round(g.worked / g.n / HOUR_MS, 3),
          medianWorkingHours: median === null ? null : round(median / 60, 3),
          p90WorkingHours: p90 === null ? null : round(p90 / 60, 3),
          meanElapsedDays: g.elapsedN ? round(g.elapsed / g.elapsedN / DAY_MS, 3) : null,
        };
      });
    out.sort((a, b) => b.completed - a.completed || String(a.key).localeCompare(String(b.key)));
    return { from: f.from, to: f.to, groupBy, filters: filterView(f), rows: out };
  }

  /**
   * The halls' figures merged per level of the 1+5+N network (centre, branch, point): the minutes
   * are merged too, so the median and p90 stay exact. Requests no hall took (online) stay null.
   */
  private async byHallLevel(
    db: ReportDb,
    halls: Map<string | null, Aggregate>,
  ): Promise<Map<string | null, Aggregate>> {
    const codes = [...halls.keys()].filter((k): k is string => k !== null);
    const levels = new Map<string, string>();
    if (codes.length > 0) {
      const rows = (await db.query(
        `SELECT code, level FROM halls WHERE code IN (${codes.map(() => '?').join(', ')})`,
        codes,
      )) as { code: string; level: string }[];
      for (const r of rows) levels.set(r.code, r.level);
    }
    const out = new Map<string | null, Aggregate>();
    for (const [hall, g] of halls) {
      const level = hall === null ? null : (levels.get(hall) ?? null);
      const into = out.get(level) ?? emptyAggregate();
      into.n += g.n;
      into.worked += g.worked;
      into.onTime += g.onTime;
      into.legalN += g.legalN;
      into.legalOnTime += g.legalOnTime;
      into.elapsed += g.elapsed;
      into.elapsedN += g.elapsedN;
      for (const [m, c] of g.minutes) into.minutes.set(m, (into.minutes.get(m) ?? 0) + c);
      out.set(level, into);
    }
    return out;
  }

  /**
   * Each group's figures: from the rollups when the filters are ones they are kept by (a hall, or
   * the grouped dimension's own key), otherwise counted from the facts.
   */
  private async aggregates(
    db: ReportDb,
    groupBy: RollupDimension,
    f: ReportFilters,
  ): Promise<Map<string | null, Aggregate>> {
    const itemOk = !f.itemCode || groupBy === 'item';
    const departmentOk = !f.departmentCode || groupBy === 'department';
    if (itemOk && departmentOk) {
      const onlyKey = groupBy === 'item' ? f.itemCode : groupBy === 'department' ? f.departmentCode : undefined;
      return this.rollups.aggregate(db, groupBy, f.hallCode ?? '', f.from, f.to, onlyKey);
    }
    const stepLevel = groupBy === 'department' || groupBy === 'step' || groupBy === 'approver';
    const where: Where = { sql: [], params: [] };
    if (stepLevel) {
      where.sql.push("f.outcome = 'approved'", 'f.decided_day BETWEEN ? AND ?');
      where.params.push(f.from, f.to);
      if (f.departmentCode) addWhere(where, 'f.department_code = ?', f.departmentCode);
    } else {
      where.sql.push("f.outcome = 'completed'", 'f.ended_day BETWEEN ? AND ?');
      where.params.push(f.from, f.to);
      if (f.departmentCode) {
        addWhere(
          where,
          'EXISTS (SELECT 1 FROM request_steps s WHERE s.request_id = f.request_id AND s.department_code = ?)',
          f.departmentCode,
        );
      }
    }
    if (f.hallCode) addWhere(where, 'f.hall_code = ?', f.hallCode);
    if (f.itemCode) addWhere(where, 'f.item_code = ?', f.itemCode);
    where.sql.push('f.worked_ms IS NOT NULL');
    const key = {
      item: 'f.item_code',
      hall: 'f.hall_code',
      department: 'f.department_code',
      step: 'f.step_key',
      approver: 'f.approver_id',
    }[groupBy];
    const rows = (await db.query(
      `SELECT ${key} AS k, f.worked_ms DIV 60000 AS m, COUNT(*) AS n, SUM(f.worked_ms) AS worked,
              SUM(f.on_time) AS on_time, COUNT(f.legal_on_time) AS legal_n, SUM(f.legal_on_time) AS legal_on_time,
              SUM(f.elapsed_ms) AS elapsed, COUNT(f.elapsed_ms) AS with_elapsed
         FROM ${stepLevel ? 'report_steps' : 'report_requests'} f
        WHERE ${where.sql.join(' AND ')}
        GROUP BY k, m`,
      where.params,
    )) as {
      k: string | number | null;
      m: string | number;
      n: string | number;
      worked: string;
      on_time: string | null;
      legal_n: string | number;
      legal_on_time: string | null;
      elapsed: string | null;
      with_elapsed: string | number;
    }[];
    const groups = new Map<string | null, Aggregate>();
    for (const r of rows) {
      const k = r.k === null ? null : String(r.k);
      const g = groups.get(k) ?? emptyAggregate();
      const n = Number(r.n);
      g.minutes.set(Number(r.m), (g.minutes.get(Number(r.m)) ?? 0) + n);
      g.n += n;
      g.worked += Number(r.worked);
      g.onTime += Number(r.on_time ?? 0);
      g.legalN += Number(r.legal_n);
      g.legalOnTime += Number(r.legal_on_time ?? 0);
      g.elapsed += Number(r.elapsed ?? 0);
      g.elapsedN += Number(r.with_elapsed);
      groups.set(k, g);
    }
    return groups;
  }

  /** The approvers' usernames by id, for the rows grouped by approver. */
  private async usernames(db: ReportDb, ids: (string | null)[]): Promise<Map<string, string>> {
    const known = ids.filter((id): id is string => id !== null);
    if (known.length === 0) return new Map();
    const rows = (await db.query(
      `SELECT id, username FROM users WHERE id IN (${known.map(() => '?').join(', ')})`,
      known,
    )) as { id: string | number; username: string }[];
    return new Map(rows.map((r) => [String(r.id), r.username]));
  }
}
