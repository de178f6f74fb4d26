import mysql from 'mysql2/promise';
import { printCheck, type Timing } from './print.js';
import { api } from './processes.js';
import { RUNS } from './settings.js';
import { slowTurnaround } from './slow-scan.js';

/** The periods the reports are asked over, each with its label (year, month, day). */
export type Periods = readonly (readonly [string, { from: string; to: string }])[];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Every report through the api as `token`'s manager: turnaround, satisfaction and throughput over
 * each period, backlog and the overdue list now; each the median of `RUNS` calls.
 */
export async function timeReports(base: string, token: string, periods: Periods): Promise<Timing[]> {
  const time = async (path: string) => {
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      await api(base, token, 'GET', path);
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  const results: Timing[] = [];
  for (const [label, p] of periods) {
    const q = `from=${p.from}&to=${p.to}`;
    for (const groupBy of ['item', 'hall', 'department', 'step', 'approver']) {
      results.push([`turnaround by ${groupBy}`, label, await time(`/reports/turnaround?${q}&groupBy=${groupBy}`)]);
    }
    results.push(['satisfaction by hall', label, await time(`/reports/satisfaction?${q}&groupBy=hall`)]);
    results.push(['satisfaction by item', label, await time(`/reports/satisfaction?${q}&groupBy=item`)]);
    results.push(['throughput per day', label, await time(`/reports/throughput?${q}&interval=day`)]);
    results.push(['throughput per week', label, await time(`/reports/throughput?${q}&interval=week`)]);
  }
  results.push(['backlog', 'now', await time('/reports/backlog')]);
  results.push(['overdue (oldest 100)', 'now', await time('/reports/overdue')]);
  results.push(['overdue (5,000: a download)', 'now', await time('/reports/overdue?limit=5000')]);
  return results;
}

/**
 * Turnaround by item, department and approver over each period, from the api and from the slow
 * scan of `db`, each pair printed as it is compared; returns how many differ.
 */
export async function checkTurnaround(
  db: mysql.Connection,
  base: string,
  token: string,
  periods: Periods,
): Promise<number> {
  let mismatches = 0;
  for (const [label, p] of periods) {
    for (const groupBy of ['item', 'department', 'approver'] as const) {
      const t = performance.now();
      const slow = await slowTurnaround(db, groupBy, p.from, p.to);
      const slowMs = performance.now() - t;
      const fast = (await api(base, token, 'GET', `/reports/turnaround?from=${p.from}&to=${p.to}&groupBy=${groupBy}`))
        .rows as { key: string }[];
      const same = JSON.stringify([...fast].sort((a, b) => a.key.localeCompare(b.key))) === JSON.stringify(slow);
      if (!same) mismatches += 1;
      const rows = slow.reduce((n, r) => n + r.completed, 0);
      printCheck(groupBy, label, same, slowMs, rows);
    }
  }
  return mismatches;
}
