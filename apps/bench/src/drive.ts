import autocannon from 'autocannon';
import { cpuSeconds } from './harness.js';

/**
 * One phase of the scaled bench: several autocannon instances at once, one per api, each with its
 * share of the connections, all in this process (no balancer in between, so no proxy takes CPU on
 * the machine's cores; the instances share this process's one thread, as one instance would).
 */
export interface PhaseFigures {
  name: string;
  /** 2xx answers. */
  ok: number;
  /** 2xx answers per second of the phase (from its start to the end of its last instance). */
  perSecond: number;
  /** Latency over every answer of every instance, in ms. */
  p50: number;
  p99: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** CPU of each group of processes, in shares of one core over the phase; null without /proc. */
  cpu: Record<string, number | null>;
}

/** The processes whose CPU a phase reports, by group: `apis`, `workers`, `db`… */
export type Watched = Record<string, readonly (number | undefined)[]>;

/** The value at or below which `p` percent of `xs` lie (nearest rank); 0 for none. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function cpuOf(watched: Watched): Record<string, number | null> {
  const seconds: Record<string, number | null> = {};
  for (const [group, pids] of Object.entries(watched)) {
    const each = pids.map(cpuSeconds);
    seconds[group] = each.some((s) => s === null) ? null : (each as number[]).reduce((a, b) => a + b, 0);
  }
  const own = process.cpuUsage();
  seconds.bench = (own.user + own.system) / 1e6;
  return seconds;
}

function one(options: autocannon.Options, latencies: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
}

/** Runs the instances at once and adds their figures up. */
export async function drive(
  name: string,
  runs: readonly autocannon.Options[],
  watched: Watched,
): Promise<PhaseFigures> {
  process.stdout.write(`  ${name}…\n`);
  const latencies: number[] = [];
  const before = cpuOf(watched);
  const started = performance.now();
  const results = await Promise.all(runs.map((options) => one(options, latencies)));
  const seconds = (performance.now() - started) / 1000;
  const after = cpuOf(watched);
  const cpu: Record<string, number | null> = {};
  for (const group of Object.keys(after)) {
    const [a, b] = [before[group], after[group]];
    cpu[group] = a === null || b === null ? null : (b - a) / seconds;
  }
  const sum = (field: 'non2xx' | 'errors' | 'timeouts' | '2xx') => results.reduce((n, r) => n + r[field], 0);
  const ok = sum('2xx');
  return {
    name,
    ok,
    perSecond: ok / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    non2xx: sum('non2xx'),
    errors: sum('errors') + sum('timeouts'),
    cpu,
  };
}

/** `ids` dealt round the instances in turn: the i-th of `n` gets every n-th id from the i-th on. */
export function dealt<T>(ids: readonly T[], n: number, i: number): T[] {
  return ids.filter((_, k) => k % n === i);
}
