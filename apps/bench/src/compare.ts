import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';

/**
 * The intake bench's figures kept as JSON (`BENCH_OUT`, default `bench-results/intake-<time>.json`),
 * and the ratios of this run against a kept one (`BENCH_COMPARE=<file>`): how the paired
 * before/after figures in README are made. Run the bench on the commit before (with this bench
 * copied in), then on the commit after with `BENCH_COMPARE` naming the first run's file, one right
 * after the other on a quiet machine.
 */
export interface PhaseRecord {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
  /** CPU per answer, ms, by process (null: not measured). */
  cpuMs: Record<'server' | 'mysql' | 'worker' | 'redis' | 'bench' | 'total', number | null>;
}

export interface BenchRecord {
  commit: string | null;
  at: string;
  loadAverage: number[];
  phases: PhaseRecord[];
  /** The highest sustained intake rate that passed (req/s); null when the sustained phase did not run. */
  sustainedHeld: number | null;
}

/** The goals, as ratios of this run to the run compared with (or, for intake, to the yardstick). */
const GOALS: Record<string, number> = {
  accept: 2,
  approve: 2,
  sustained: 3,
};

function commitOf(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return null;
  }
}

export function benchRecord(phases: PhaseRecord[], sustainedHeld: number | null): BenchRecord {
  return {
    commit: commitOf(),
    at: new Date().toISOString(),
    loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
    phases,
    sustainedHeld,
  };
}

/** Writes the record where `BENCH_OUT` says (default under bench-results/); returns the path. */
export function saveRecord(record: BenchRecord, path = process.env.BENCH_OUT): string {
  const file = path ?? `bench-results/intake-${record.at.replace(/[:.]/g, '-')}.json`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

/** Reads a record written by saveRecord; a clear error when the file is not one. */
export function readRecord(path: string): BenchRecord {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`BENCH_COMPARE=${path}: not a readable JSON file (${String(error)})`);
  }
  const record = value as Partial<BenchRecord> | null;
  if (!record || !Array.isArray(record.phases)) throw new Error(`BENCH_COMPARE=${path}: not a bench record`);
  return record as BenchRecord;
}

/** The phase's short key (`intake`, `accept`, `approve`, `yardstick`): names change, keys do not. */
const keyOf = (name: string) => /^(\w+)/.exec(name)?.[1] ?? name;

const ratio = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : now / before;

/** Lines comparing this run with the one before: per phase, req/s and p99 and CPU per answer, and the goals. */
export function compareLines(before: BenchRecord, now: BenchRecord): string[] {
  const lines = [
    `compared with ${before.commit ?? 'an earlier run'} of ${before.at} (load average then ${before.loadAverage.join(' ')}, now ${now.loadAverage.join(' ')}):`,
  ];
  const head = [
    'phase',
    'before req/s',
    'now req/s',
    'now/before',
    'before p99',
    'now p99',
    'CPU ms before',
    'CPU ms now',
  ];
  lines.push(head.map((h, i) => (i === 0 ? h.padEnd(12) : h.padStart(13))).join(' '));
  for (const phase of now.phases) {
    const key = keyOf(phase.name);
    const old = before.phases.find((p) => keyOf(p.name) === key);
    if (!old) continue;
    const r = ratio(phase.perSecond, old.perSecond);
    const cells = [
      old.perSecond.toFixed(0),
      phase.perSecond.toFixed(0),
      r === null ? '-' : r.toFixed(2),
      old.p99.toFixed(0),
      phase.p99.toFixed(0),
      old.cpuMs.total === null ? '-' : old.cpuMs.total.toFixed(2),
      phase.cpuMs.total === null ? '-' : phase.cpuMs.total.toFixed(2),
    ];
    lines.push([key.padEnd(12), ...cells.map((c) => c.padStart(13))].join(' '));
  }
  for (const key of ['accept', 'approve']) {
    const r = ratio(
      now.phases.find((p) => keyOf(p.name) === key)?.perSecond ?? null,
      before.phases.find((p) => keyOf(p.name) === key)?.perSecond ?? null,
    );
    if (r !== null) lines.push(`${key}: ${r.toFixed(2)}× before (goal ≥ ${GOALS[key]}×)`);
  }
  const held = ratio(now.sustainedHeld, before.sustainedHeld);
  if (held !== null) {
    lines.push(
      `sustained: ${now.sustainedHeld} req/s held, ${held.toFixed(2)}× the ${before.sustainedHeld} before (goal ≥ ${GOALS.sustained}×)`,
    );
  }
  return lines;
}
