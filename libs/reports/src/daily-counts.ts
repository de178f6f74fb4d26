import { Clock } from '#common';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ReportDb } from './report-reads.js';

import { addDays, dateText, zoneMidnight, zoneToday } from './zone-dates.js';

/** The statuses a request ends in: the outcomes throughput counts. */
export const ENDED_METRICS = ['completed', 'denied', 'refused', 'withdrawn'] as const;

export interface DailyCount {
  day: string;
  hallCode: string | null;
  itemCode: string;
  metric: string;
  n: number;
}

/**
 * The daily counts of the throughput and satisfaction reports (migration DailyCounts): a day is
 * counted once it is over, from the requests and evaluations themselves, and `read()` tells which
 * days of a period are counted so the caller counts the others live.
 */
@Injectable()
export class DailyCounts {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Counts one day that is over (again, if it was counted before). */
  async count(day: string): Promise<void> {
    if (day >= zoneToday(this.clock.now()))
      throw new Error(`${day} is not over yet: only a day that is over is counted`);
    const lo = zoneMidnight(day);
    const hi = zoneMidnight(addDays(day, 1));
    await this.dataSource.transaction('REPEATABLE READ', async (m) => {
      await m.query('DELETE FROM report_daily_counts WHERE day = ?', [day]);
      const insert = (select: string, params: unknown[]) =>
        m.query(`INSERT INTO report_daily_counts (day, hall_code, item_code, metric, n) ${select}`, params);
      for (const [metric, column] of [
        ['submitted', 'submitted_at'],
        ['accepted', 'accepted_at'],
      ] as const) {
        await insert(
          `SELECT ?, COALESCE(hall_code, ''), item_code, '${metric}', COUNT(*) FROM service_requests
            WHERE ${column} >= ? AND ${column} < ? GROUP BY hall_code, item_code`,
          [day, lo, hi],
        );
      }
      await insert(
        `SELECT ?, COALESCE(hall_code, ''), item_code, status, COUNT(*) FROM service_requests
          WHERE ended_at >= ? AND ended_at < ? AND status IN (${ENDED_METRICS.map(() => '?').join(', ')})
          GROUP BY hall_code, item_code, status`,
        [day, lo, hi, ...ENDED_METRICS],
      );
      await insert(
        `SELECT ?, COALESCE(hall_code, ''), item_code, CONCAT('score', score), COUNT(*) FROM evaluations
          WHERE evaluated_at >= ? AND evaluated_at < ? GROUP BY hall_code, item_code, score`,
        [day, lo, hi],
      );
      await m.query(
        'INSERT INTO report_daily_days (day, counted_at) VALUES (?, ?) ON DUPLICATE KEY UPDATE counted_at = VALUES(counted_at)',
        [day, this.clock.now()],
      );
    });
  }

  /** Counts the days of the past week not counted yet (the worker, every few minutes); returns how many. */
  async countRecent(days = 7): Promise<number> {
    const today = zoneToday(this.clock.now());
    const counted = new Set(
      (
        (await this.dataSource.query('SELECT day FROM report_daily_days WHERE day >= ?', [addDays(today, -days)])) as {
          day: Date | string;
        }[]
      ).map((r) => dateText(r.day)),
    );
    let n = 0;
    for (let day = addDays(today, -days); day < today; day = addDays(day, 1)) {
      if (!counted.has(day)) {
        await this.count(day);
        n += 1;
      }
    }
    return n;
  }

  /** Every day from the first request to yesterday, again: part of `npm run reports:rebuild`. */
  async recountAll(progress: (done: number) => void = () => undefined): Promise<number> {
    await this.dataSource.query('DELETE FROM report_daily_counts');
    await this.dataSource.query('DELETE FROM report_daily_days');
    const [first] = (await this.dataSource.query('SELECT MIN(submitted_at) AS at FROM service_requests')) as {
      at: Date | null;
    }[];
    if (!first?.at) return 0;
    const today = zoneToday(this.clock.now());
    let n = 0;
    for (let day = zoneToday(first.at); day < today; day = addDays(day, 1)) {
      await this.count(day);
      if (++n % 30 === 0) progress(n);
    }
    return n;
  }

  /** The counts of the counted days in from..to for these metrics, and the days of the period not counted. */
  async read(
    db: ReportDb,
    from: string,
    to: string,
    metrics: readonly string[],
    filters: { hallCode?: string; itemCode?: string },
  ): Promise<{ counts: DailyCount[]; uncounted: [string, string][] }> {
    const days = new Set(
      (
        (await db.query('SELECT day FROM report_daily_days WHERE day BETWEEN ? AND ?', [from, to])) as {
          day: Date | string;
        }[]
      ).map((r) => dateText(r.day)),
    );
    const uncounted: [string, string][] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      if (days.has(day)) continue;
      const last = uncounted[uncounted.length - 1];
      if (last && addDays(last[1], 1) === day) last[1] = day;
      else uncounted.push([day, day]);
    }
    const where = ['day BETWEEN ? AND ?', `metric IN (${metrics.map(() => '?').join(', ')})`];
    const params: unknown[] = [from, to, ...metrics];
    if (filters.hallCode) {
      where.push('hall_code = ?');
      params.push(filters.hallCode);
    }
    if (filters.itemCode) {
      where.push('item_code = ?');
      params.push(filters.itemCode);
    }
    const rows = (await db.query(
      `SELECT day, hall_code, item_code, metric, n FROM report_daily_counts WHERE ${where.join(' AND ')}`,
      params,
    )) as { day: Date | string; hall_code: string; item_code: string; metric: string; n: number }[];
    return {
      counts: rows.map((r) => ({
        day: dateText(r.day),
        hallCode: r.hall_code === '' ? null : r.hall_code,
        itemCode: r.item_code,
        metric: r.metric,
        n: Number(r.n),
      })),
      uncounted,
    };
  }
}
