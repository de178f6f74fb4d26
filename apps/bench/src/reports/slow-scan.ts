import mysql from 'mysql2/promise';
import { DAY, HOUR, MIN } from './settings.js';

const nearestRank = (sorted: number[], p: number) => sorted[Math.ceil(p * sorted.length) - 1];
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** Turnaround computed the slow way: every row of the period from the requests' own tables, in memory. */
export async function slowTurnaround(
  db: mysql.Connection,
  groupBy: 'item' | 'department' | 'approver',
  from: string,
  to: string,
) {
  const lo = new Date(Date.parse(`${from}T00:00:00+08:00`));
  const hi = new Date(Date.parse(`${to}T00:00:00+08:00`) + DAY);
  // Against the law: a step clock with a legal limit met it when it stopped by its legal due time
  // without a breach; a request met it when each of its steps with a limit did (none with one: no figure).
  const legal = (c: string) => `CASE WHEN ${c}.legal_due_at IS NULL THEN NULL
      WHEN ${c}.legal_breached_at IS NULL AND ${c}.stopped_at <= ${c}.legal_due_at THEN 1 ELSE 0 END`;
  const sql =
    groupBy === 'item'
      ? `SELECT r.item_code AS k, c.worked_ms AS w, TIMESTAMPDIFF(MICROSECOND, r.accepted_at, r.ended_at) DIV 1000 AS e,
                (c.overdue_at IS NULL AND c.stopped_at <= c.due_at) AS ok,
                (SELECT MIN(${legal('lc')}) FROM sla_clocks lc WHERE lc.request_id = r.id AND lc.kind = 'step'
                    AND lc.stopped_at IS NOT NULL AND lc.legal_due_at IS NOT NULL) AS lg
           FROM service_requests r JOIN sla_clocks c ON c.request_id = r.id AND c.kind = 'request'
          WHERE r.status = 'completed' AND r.ended_at >= ? AND r.ended_at < ?`
      : `SELECT ${groupBy === 'department' ? 's.department_code' : 'u.username'} AS k, c.worked_ms AS w,
                TIMESTAMPDIFF(MICROSECOND, s.activated_at, s.decided_at) DIV 1000 AS e,
                (c.overdue_at IS NULL AND c.stopped_at <= c.due_at) AS ok, ${legal('c')} AS lg
           FROM request_steps s JOIN sla_clocks c ON c.request_id = s.request_id AND c.kind = 'step' AND c.step_key = s.step_key
           LEFT JOIN users u ON u.id = s.decided_by
          WHERE s.status = 'approved' AND s.decided_at >= ? AND s.decided_at < ?`;
  const [rows] = (await db.query({ sql, rowsAsArray: true }, [lo, hi])) as unknown as [
    [string, number, number, number, number | string | null][],
  ];
  const groups = new Map<
    string,
    { w: number[]; e: number; ok: number; sum: number; legalN: number; legalOk: number }
  >();
  for (const [k, w, e, ok, lg] of rows) {
    const g = groups.get(k) ?? { w: [], e: 0, ok: 0, sum: 0, legalN: 0, legalOk: 0 };
    g.w.push(Math.floor(Number(w) / MIN));
    g.sum += Number(w);
    g.e += Number(e);
    g.ok += Number(ok);
    if (lg !== null) {
      g.legalN += 1;
      g.legalOk += Number(lg);
    }
    groups.set(k, g);
  }
  return [...groups.entries()]
    .map(([key, g]) => {
      const sorted = g.w.sort((a, b) => a - b);
      const n = sorted.length;
      return {
        key,
        completed: n,
        onTime: g.ok,
        onTimeRate: round(g.ok / n, 4),
        legalOnTime: g.legalOk,
        legalBreached: g.legalN - g.legalOk,
        legalOnTimeRate: g.legalN ? round(g.legalOk / g.legalN, 4) : null,
        meanWorkingHours: round(g.sum / n / HOUR, 3),
        medianWorkingHours: round(nearestRank(sorted, 0.5) / 60, 3),
        p90WorkingHours: round(nearestRank(sorted, 0.9) / 60, 3),
        meanElapsedDays: round(g.e / n / DAY, 3),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}
