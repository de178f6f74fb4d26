import { CalendarService, workingMinutesBetween } from '#calendar';
import { Clock, DomainError, formatInstant } from '#common';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DailyCounts, ENDED_METRICS } from './daily-counts.js';
import { addDays, DAY_MS, dateText, mondayOf, zoneMidnight } from './zone-dates.js';
import { type Bucket, nearestRank, round } from './percentiles.js';
import { type Aggregate, emptyAggregate, ReportRollups } from './rollups.js';
import {
  AGE_BUCKETS,
  type BacklogReport,
  type OverdueItem,
  type OverdueReport,
  type ReportFilters,
  type SatisfactionGroup,
  type SatisfactionReport,
  type SatisfactionRow,
  type ThroughputInterval,
  type ThroughputReport,
  type ThroughputRow,
  type TurnaroundGroup,
  type TurnaroundReport,
  type TurnaroundRow,
} from './reports.types.js';

const HOUR_MS = 3_600_000;
const OPEN_STATUSES = ['submitted', 'supplement_required', 'in_progress'] as const;
/** The overdue list gives the oldest 100 by default and at most 5,000 (a download); `total` counts them all. */
export const OVERDUE_DEFAULT_LIMIT = 100;
export const OVERDUE_MAX_LIMIT = 5000;

interface Where {
  sql: string[];
  params: unknown[];
}

/**
 * The managers' reports (API.md, Reports). Turnaround reads the facts the worker keeps
 * (report-facts.ts): for each group, one row per distinct worked minute with its count, so the
 * median and p90 are exact (nearest rank) and the database sends at most a few thousand rows
 * however many requests the period holds. Backlog and the overdue list read the open requests
 * and clocks as they are now.
 */
@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly calendars: CalendarService,
    private readonly clock: Clock,
    private readonly rollups: ReportRollups,
    private readonly daily: DailyCounts,
  ) {}

  /** A manager bound to a hall or a department reports on it only; asking for another is a 403. */
  scoped(actor: Actor, filters: ReportFilters): ReportFilters {
    const out = { ...filters };
    if (actor.role === 'manager' && actor.hallCode) {
      if (filters.hallCode && filters.hallCode !== actor.hallCode) {
        throw new DomainError('Forbidden', `a manager of hall ${actor.hallCode} reports on that hall only`);
      }
      out.hallCode = actor.hallCode;
    }
    if (actor.role === 'manager' && actor.departmentCode) {
      if (filters.departmentCode && filters.departmentCode !== actor.departmentCode) {
        throw new DomainError(
          'Forbidden',
          `a manager of department ${actor.departmentCode} reports on that department only`,
        );
      }
      out.departmentCode = actor.departmentCode;
    }
    return out;
  }

  async turnaround(actor: Actor, groupBy: TurnaroundGroup, filters: ReportFilters): Promise<TurnaroundReport> {
    const f = this.scoped(actor, filters);
    const groups = await this.turnaroundAggregates(groupBy, f);
    const names = groupBy === 'approver' ? await this.usernames([...groups.keys()]) : null;
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
          meanWorkingHours: round(g.worked / g.n / HOUR_MS, 3),
          medianWorkingHours: median === null ? null : round(median / 60, 3),
          p90WorkingHours: p90 === null ? null : round(p90 / 60, 3),
          meanElapsedDays: g.elapsedN ? round(g.elapsed / g.elapsedN / DAY_MS, 3) : null,
        };
      });
    out.sort((a, b) => b.completed - a.completed || String(a.key).localeCompare(String(b.key)));
    return { from: f.from, to: f.to, groupBy, filters: this.filterView(f), rows: out };
  }

  /**
   * Each group's figures: from the rollups when the filters are ones they are kept by (a hall, or
   * the grouped dimension's own key), otherwise counted from the facts.
   */
  private async turnaroundAggregates(
    groupBy: TurnaroundGroup,
    f: ReportFilters,
  ): Promise<Map<string | null, Aggregate>> {
    const itemOk = !f.itemCode || groupBy === 'item';
    const departmentOk = !f.departmentCode || groupBy === 'department';
    if (itemOk && departmentOk) {
      const onlyKey = groupBy === 'item' ? f.itemCode : groupBy === 'department' ? f.departmentCode : undefined;
      return this.rollups.aggregate(groupBy, f.hallCode ?? '', f.from, f.to, onlyKey);
    }
    const stepLevel = groupBy === 'department' || groupBy === 'step' || groupBy === 'approver';
    const where: Where = { sql: [], params: [] };
    if (stepLevel) {
      where.sql.push("f.outcome = 'approved'", 'f.decided_day BETWEEN ? AND ?');
      where.params.push(f.from, f.to);
      if (f.departmentCode) this.add(where, 'f.department_code = ?', f.departmentCode);
    } else {
      where.sql.push("f.outcome = 'completed'", 'f.ended_day BETWEEN ? AND ?');
      where.params.push(f.from, f.to);
      if (f.departmentCode) {
        this.add(
          where,
          'EXISTS (SELECT 1 FROM request_steps s WHERE s.request_id = f.request_id AND s.department_code = ?)',
          f.departmentCode,
        );
      }
    }
    if (f.hallCode) this.add(where, 'f.hall_code = ?', f.hallCode);
    if (f.itemCode) this.add(where, 'f.item_code = ?', f.itemCode);
    where.sql.push('f.worked_ms IS NOT NULL');
    const key = {
      item: 'f.item_code',
      hall: 'f.hall_code',
      department: 'f.department_code',
      step: 'f.step_key',
      approver: 'f.approver_id',
    }[groupBy];
    const rows = (await this.dataSource.query(
      `SELECT ${key} AS k, f.worked_ms DIV 60000 AS m, COUNT(*) AS n, SUM(f.worked_ms) AS worked,
              SUM(f.on_time) AS on_time, SUM(f.elapsed_ms) AS elapsed, COUNT(f.elapsed_ms) AS with_elapsed
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
      g.elapsed += Number(r.elapsed ?? 0);
      g.elapsedN += Number(r.with_elapsed);
      groups.set(k, g);
    }
    return groups;
  }

  async backlog(actor: Actor, filters: Omit<ReportFilters, 'from' | 'to'>): Promise<BacklogReport> {
    const f = this.scoped(actor, { from: '', to: '', ...filters });
    const now = this.clock.now();
    const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
    const where = this.requestWhere(f, 'r');
    const bounds = [1, 3, 7, 15].map(ago);
    const rows = (await this.dataSource.query(
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
      filters: this.filterView(f),
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

  async overdue(
    actor: Actor,
    filters: Omit<ReportFilters, 'from' | 'to'>,
    limit = OVERDUE_DEFAULT_LIMIT,
  ): Promise<OverdueReport> {
    const f = this.scoped(actor, { from: '', to: '', ...filters });
    const now = this.clock.now();
    const where = this.requestWhere(f, 'r');
    const rows = (await this.dataSource.query(
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
    const [{ total }] = (await this.dataSource.query(
      `SELECT COUNT(*) AS total FROM sla_clocks c ${where.sql.length > 0 ? 'JOIN service_requests r ON r.id = c.request_id' : ''}
        WHERE c.stopped_at IS NULL AND (c.overdue_at IS NOT NULL OR (c.paused_at IS NULL AND c.due_at <= ?))
          ${where.sql.map((s) => `AND ${s}`).join(' ')}`,
      [now, ...where.params],
    )) as { total: string | number }[];
    return {
      asOf: formatInstant(now),
      filters: this.filterView(f),
      total: Number(total),
      items,
      truncated: Number(total) > items.length,
    };
  }

  async throughput(actor: Actor, interval: ThroughputInterval, filters: ReportFilters): Promise<ThroughputReport> {
    const f = this.scoped(actor, filters);
    const where = this.requestWhere(f, 'r');
    const extra = where.sql.map((s) => `AND ${s}`).join(' ');
    type Field = Exclude<keyof ThroughputRow, 'period'>;
    const counts: { day: string; field: Field; n: number }[] = [];
    // Days already counted come from the daily counts (unless a department filter needs the steps).
    let live: [string, string][] = [[f.from, f.to]];
    if (!f.departmentCode) {
      const read = await this.daily.read(f.from, f.to, ['submitted', 'accepted', ...ENDED_METRICS], f);
      for (const c of read.counts) counts.push({ day: c.day, field: c.metric as Field, n: c.n });
      live = read.uncounted;
    }
    for (const [a, b] of live) {
      const range = [zoneMidnight(a), zoneMidnight(addDays(b, 1))];
      for (const [field, column] of [
        ['submitted', 'submitted_at'],
        ['accepted', 'accepted_at'],
      ] as const) {
        const rows = (await this.dataSource.query(
          `SELECT DATE(r.${column} + INTERVAL 8 HOUR) AS d, COUNT(*) AS n FROM service_requests r
            WHERE r.${column} >= ? AND r.${column} < ? ${extra} GROUP BY d`,
          [...range, ...where.params],
        )) as { d: Date | string; n: string | number }[];
        for (const r of rows) counts.push({ day: dateText(r.d), field, n: Number(r.n) });
      }
      const ended = (await this.dataSource.query(
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
    return { from: f.from, to: f.to, interval, filters: this.filterView(f), rows: [...rows.values()] };
  }

  /**
   * 好差评: evaluations given in the period per score, the bad-review rate, and the follow-ups
   * (整改) those opened: closed, closed within their clock, and open past due now.
   */
  async satisfaction(actor: Actor, groupBy: SatisfactionGroup, filters: ReportFilters): Promise<SatisfactionReport> {
    const f = this.scoped(actor, filters);
    const now = this.clock.now();
    const where = this.requestWhere(f, 'e');
    const key = groupBy === 'hall' ? 'e.hall_code' : 'e.item_code';
    const period = [zoneMidnight(f.from), zoneMidnight(addDays(f.to, 1))];
    const filter = where.sql.map((w) => `AND ${w}`).join(' ');
    // The scores from the covering index alone; then only the bad reviews' follow-ups and clocks.
    const scores: { k: string | null; score: number; n: string }[] = [];
    let live: [string, string][] = [[f.from, f.to]];
    if (!f.departmentCode) {
      const read = await this.daily.read(f.from, f.to, ['score1', 'score2', 'score3', 'score4', 'score5'], f);
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
        ...((await this.dataSource.query(
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
    if (f.hallCode) this.add(fuWhere, 'fu.hall_code = ?', f.hallCode);
    if (f.itemCode) this.add(fuWhere, 'e.item_code = ?', f.itemCode);
    if (f.departmentCode) {
      this.add(
        fuWhere,
        'EXISTS (SELECT 1 FROM request_steps ds WHERE ds.request_id = fu.request_id AND ds.department_code = ?)',
        f.departmentCode,
      );
    }
    const followUps = (await this.dataSource.query(
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
    const empty = (k: string | null): SatisfactionRow => ({
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
    const total = empty(null);
    const groups = new Map<string | null, SatisfactionRow>();
    const sums = new Map<SatisfactionRow, number>();
    for (const r of rows) {
      const k = r.k === null ? null : String(r.k);
      const g = groups.get(k) ?? empty(k);
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
    return { from: f.from, to: f.to, groupBy, filters: this.filterView(f), total, rows: out };
  }

  /** Hall, item and department filters on a table of requests (or their facts) aliased `alias`. */
  private requestWhere(f: ReportFilters, alias: string): Where {
    const where: Where = { sql: [], params: [] };
    const id = alias === 'r' ? 'r.id' : `${alias}.request_id`;
    if (f.hallCode) this.add(where, `${alias}.hall_code = ?`, f.hallCode);
    if (f.itemCode) this.add(where, `${alias}.item_code = ?`, f.itemCode);
    if (f.departmentCode) {
      this.add(
        where,
        `EXISTS (SELECT 1 FROM request_steps ds WHERE ds.request_id = ${id} AND ds.department_code = ?)`,
        f.departmentCode,
      );
    }
    return where;
  }

  private add(where: Where, sql: string, param: unknown): void {
    where.sql.push(sql);
    where.params.push(param);
  }

  private filterView(f: ReportFilters): Omit<ReportFilters, 'from' | 'to'> {
    return {
      ...(f.hallCode ? { hallCode: f.hallCode } : {}),
      ...(f.departmentCode ? { departmentCode: f.departmentCode } : {}),
      ...(f.itemCode ? { itemCode: f.itemCode } : {}),
    };
  }

  private async usernames(ids: (string | null)[]): Promise<Map<string, string>> {
    const known = ids.filter((id): id is string => id !== null);
    if (known.length === 0) return new Map();
    const rows = (await this.dataSource.query(
      `SELECT id, username FROM users WHERE id IN (${known.map(() => '?').join(', ')})`,
      known,
    )) as { id: string | number; username: string }[];
    return new Map(rows.map((r) => [String(r.id), r.username]));
  }
}
