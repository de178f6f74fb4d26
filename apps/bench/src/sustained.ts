import type mysql from 'mysql2/promise';
import { rows } from './desk.js';
import { percentile } from './drive.js';
import { benchRedis, type BenchTarget, cpuSeconds, loadLine, say } from './harness.js';
import { spread, type Spread } from './lag.js';
import { paced, WAVES } from './paced.js';

/**
 * The sustained phase of the intake bench: `POST /requests` at a fixed overall rate for a minute,
 * with the api and the worker both running, and whether the whole desk keeps up: the outbox lag
 * (age of the oldest unrelayed row) and the SLA timers in Redis against the running clocks, sampled
 * through the load, then how long after it every clock has its timer and the outbox is empty.
 *
 *   BENCH_SUSTAINED_S (s per rate, default 60; 0 skips the phase)
 *   BENCH_SUSTAINED_RATE (req/s, or a ladder `50,75,…` run in turn up to its first FAIL)
 *   BENCH_SUSTAINED_CONNECTIONS (default: the rate, one request a second on each connection)
 *   BENCH_SUSTAINED_DRAIN_S (s to wait for the backlog before each rate, default 300)
 */
export const SUSTAINED_S = Number(process.env.BENCH_SUSTAINED_S ?? 60);
const SUSTAINED_RATES = (process.env.BENCH_SUSTAINED_RATE ?? '50,75,100,150,200,300,400,450,600')
  .split(',')
  .map((rate) => {
    if (!(Number(rate) > 0)) throw new Error(`BENCH_SUSTAINED_RATE: ${rate} is no rate (req/s)`);
    return Number(rate);
  });
const DRAIN_S = Number(process.env.BENCH_SUSTAINED_DRAIN_S ?? 300);
/**
 * autocannon keeps one request in flight per connection and sends none a connection's share of a
 * second left unsent: with as many connections as the rate (its most for a set rate), each sends
 * one a second, and the rate is reached as long as answers take under a second, whatever the
 * client's concurrency.
 */
const connectionsFor = (rate: number) => Number(process.env.BENCH_SUSTAINED_CONNECTIONS ?? rate);
/** The goal: lag p99 under 2 s, every timer set 2 s after the load at the latest, the rate reached. */
const GOAL = { lagP99Ms: 2000, caughtUpMs: 2000, rateShare: 0.98 };
/** How long after the load the bench waits for the desk to catch up before it gives up. */
const CATCH_UP_GIVE_UP_MS = 60_000;
/** Mean time between samples; each waits 50–150% of it, so they do not beat with the relay's 1 s. */
const SAMPLE_EVERY_MS = 500;
const PRINT_EVERY_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the desk still owes at one instant. */
interface Backlog {
  /** Age of the oldest outbox row not yet published, in ms; 0 when none waits. */
  lagMs: number;
  /** Running SLA clocks in MySQL (neither stopped nor paused): each needs one timer. */
  clocks: number;
  /** Delayed jobs of the sla queue, less the job schedulers' own next runs (the reconciliation). */
  timers: number;
  /** Jobs waiting in the events queue (relayed, not yet taken by the worker). */
  eventsWaiting: number;
}

const caughtUp = (b: Backlog) => b.lagMs === 0 && b.timers >= b.clocks;

type Redis = ReturnType<typeof benchRedis>;

async function readBacklog({ admin, target }: SustainedDesk, redis: Redis): Promise<Backlog> {
  const db = `\`${target.databaseName}\``;
  const at = Date.now();
  const q = (name: string) => `${target.queuePrefix}:${name}`;
  const [[row], delayed, schedulers, eventsWaiting] = await Promise.all([
    rows<{ oldest: Date | null; clocks: number }>(
      admin,
      `SELECT (SELECT MIN(created_at) FROM ${db}.outbox_events WHERE published_at IS NULL) AS oldest,
              (SELECT COUNT(*) FROM ${db}.sla_clocks WHERE stopped_at IS NULL AND paused_at IS NULL) AS clocks`,
    ),
    redis.zcard(q('sla:delayed')),
    // Each job scheduler of the queue (the SLA reconciliation) keeps its next run in the delayed set.
    redis.zcard(q('sla:repeat')),
    redis.llen(q('events:wait')),
  ]);
  return {
    lagMs: row.oldest ? Math.max(0, at - row.oldest.getTime()) : 0,
    clocks: Number(row.clocks),
    timers: Math.max(0, delayed - schedulers),
    eventsWaiting,
  };
}

/** One rate's figures. */
interface SustainedFigures {
  rate: number;
  achieved: number;
  ok: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failed: number;
  p50: number;
  p99: number;
  lag: Spread;
  /** ms from the load's end until every clock had its timer and the outbox was empty; null: gave up. */
  caughtUpMs: number | null;
  /** Not drained before the load: what was missing then (timers, or outbox rows' age). */
  backlogBefore: Backlog | null;
  cpu: { api: number | null; worker: number | null; db: number | null };
  /** Why the rate failed the goal; none: it passed. */
  failures: string[];
}

export interface SustainedDesk {
  admin: mysql.Connection;
  target: BenchTarget;
  url: string;
  headers: Record<string, string>;
  body: string;
  pids: { api?: number; worker?: number; db?: number };
}

/** Waits until the backlog is gone (outbox empty, every clock's timer set, no event waiting). */
async function drain(desk: SustainedDesk, redis: Redis): Promise<Backlog | null> {
  const started = Date.now();
  let b = await readBacklog(desk, redis);
  while (!(caughtUp(b) && b.eventsWaiting === 0)) {
    if (Date.now() - started > DRAIN_S * 1000) {
      say(
        `  not drained after ${DRAIN_S} s (${b.clocks - b.timers} timers missing, outbox lag ${b.lagMs} ms, ${b.eventsWaiting} events waiting): starting anyway, the figures are distorted`,
      );
      return b;
    }
    await sleep(1000);
    b = await readBacklog(desk, redis);
  }
  say(
    `  drained after ${((Date.now() - started) / 1000).toFixed(0)} s: ${b.clocks} running clocks, ${b.timers} timers, outbox empty`,
  );
  return null;
}

const cell = (xs: (string | number)[], first = 9) =>
  xs.map((x, i) => String(x).padStart(i === 0 ? first : 9)).join(' ');
const share = (a: number | null, b: number | null, seconds: number) =>
  a === null || b === null ? null : (b - a) / seconds;

/** The load at `rate` (paced.ts), the backlog sampled meanwhile and a line printed every 5 s. */
async function loadAt(desk: SustainedDesk, rate: number, redis: Redis) {
  say(cell(['t s', 'req/s', 'lag max', 'clocks', 'timers', 'missing', 'ev wait']));
  const latencies: number[] = [];
  const answers: number[] = [];
  const samples: Backlog[] = [];
  const cpu = () => [desk.pids.api, desk.pids.worker, desk.pids.db].map(cpuSeconds);
  const cpuBefore = cpu();
  const started = Date.now();
  let loading = true;
  const load = paced(
    { url: desk.url, method: 'POST', headers: desk.headers, body: desk.body, duration: SUSTAINED_S },
    rate,
    connectionsFor(rate),
    (status, responseTime) => {
      if (status >= 200 && status < 300) answers.push(Date.now());
      latencies.push(responseTime);
    },
  );
  const result = load.done.finally(() => (loading = false));
  let printed = { at: started, answers: 0, samples: 0 };
  const sampling = (async () => {
    while (loading) {
      const at = Date.now();
      const b = await readBacklog(desk, redis);
      samples.push(b);
      if (at - printed.at >= PRINT_EVERY_MS - SAMPLE_EVERY_MS / 2) {
        const perSecond = ((answers.length - printed.answers) * 1000) / (at - printed.at);
        const lag = Math.max(...samples.slice(printed.samples).map((s) => s.lagMs));
        const t = ((at - started) / 1000).toFixed(0);
        say(cell([t, perSecond.toFixed(0), lag, b.clocks, b.timers, b.clocks - b.timers, b.eventsWaiting]));
        printed = { at, answers: answers.length, samples: samples.length };
      }
      await sleep(Math.max(0, at + SAMPLE_EVERY_MS * (0.5 + Math.random()) - Date.now()));
    }
  })();
  // A failed read (the database dropped on Ctrl-C) stops the load too.
  const [outcome] = await Promise.all([
    result,
    sampling.catch((error: unknown) => {
      load.stop();
      throw error;
    }),
  ]);
  const ended = Date.now();
  const [api, worker, db] = cpu().map((after, i) => share(cpuBefore[i], after, (ended - started) / 1000));
  return { outcome, latencies, samples, ended, cpu: { api, worker, db } };
}

/** How long after `ended` every running clock has its timer and the outbox is empty; null: gave up. */
async function catchUp(desk: SustainedDesk, redis: Redis, ended: number) {
  let after = await readBacklog(desk, redis);
  const missingAtEnd = after.clocks - after.timers;
  while (!caughtUp(after) && Date.now() - ended < CATCH_UP_GIVE_UP_MS) {
    await sleep(250);
    after = await readBacklog(desk, redis);
  }
  const caughtUpMs = caughtUp(after) ? Date.now() - ended : null;
  say(
    caughtUpMs === null
      ? `  not caught up ${CATCH_UP_GIVE_UP_MS / 1000} s after the load: ${after.clocks - after.timers} timers missing, outbox lag ${after.lagMs} ms`
      : `  caught up ${(caughtUpMs / 1000).toFixed(1)} s after the load (${missingAtEnd} timers missing at its end): ${after.clocks} clocks, ${after.timers} timers, outbox empty`,
  );
  return caughtUpMs;
}

/** One rate for `SUSTAINED_S` seconds, from a drained desk, and its catching up after. */
async function sustain(desk: SustainedDesk, rate: number): Promise<SustainedFigures> {
  const redis = benchRedis();
  try {
    const backlogBefore = await drain(desk, redis);
    say(
      `  ${rate} req/s for ${SUSTAINED_S} s (${connectionsFor(rate)} connections, a wave every ${1000 / WAVES} ms; ${loadLine()})…`,
    );
    const { outcome, latencies, samples, ended, cpu } = await loadAt(desk, rate, redis);
    const caughtUpMs = await catchUp(desk, redis, ended);
    const { ok, failed } = outcome;
    // Over the duration asked: autocannon sends no more than the rate in any second of it.
    const achieved = ok / SUSTAINED_S;
    const lag = spread(samples.map((s) => s.lagMs));
    const failures = [
      ...(lag.p99 >= GOAL.lagP99Ms ? ['outbox lag'] : []),
      ...(caughtUpMs === null || caughtUpMs > GOAL.caughtUpMs ? ['caught up late'] : []),
      ...(failed > 0 ? ['failed requests'] : []),
      ...(achieved < GOAL.rateShare * rate ? ['rate not reached'] : []),
      ...(backlogBefore ? ['started with a backlog'] : []),
    ];
    const figures: SustainedFigures = {
      rate,
      achieved,
      ok,
      failed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      lag,
      caughtUpMs,
      backlogBefore,
      cpu,
      failures,
    };
    say(`  ${summary(figures)}`);
    return figures;
  } finally {
    redis.disconnect();
  }
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(0)}%`);
const caughtUpText = (f: SustainedFigures) => (f.caughtUpMs === null ? 'never' : (f.caughtUpMs / 1000).toFixed(1));

function summary(f: SustainedFigures): string {
  return (
    `${f.failures.length ? `FAIL (${f.failures.join(', ')})` : 'PASS'}: ${f.rate} req/s asked, ${f.achieved.toFixed(1)} achieved (${f.ok} ok, ${f.failed} failed), p50 ${f.p50.toFixed(0)} ms, p99 ${f.p99.toFixed(0)} ms; ` +
    `outbox lag p50 ${f.lag.p50} ms, p99 ${f.lag.p99} ms, max ${f.lag.max} ms; caught up after ${caughtUpText(f)} s; ` +
    `CPU api ${pct(f.cpu.api)}, worker ${pct(f.cpu.worker)}, db ${pct(f.cpu.db)}`
  );
}

/**
 * The sustained phase: each rate of the ladder in turn, each from a drained desk, up to the first
 * that fails; prints the table and the highest rate held.
 */
export async function sustainedPhase(desk: SustainedDesk): Promise<SustainedFigures[]> {
  say(
    `\nsustained intake: ${SUSTAINED_RATES.join(', ')} req/s, ${SUSTAINED_S} s each, each from a drained desk (outbox empty, every running clock's timer set), up to the first FAIL`,
  );
  say(
    `  goal: outbox lag p99 < ${GOAL.lagP99Ms} ms, caught up ≤ ${GOAL.caughtUpMs / 1000} s after the load, no failed request, ≥ ${GOAL.rateShare * 100}% of the rate asked`,
  );
  const results: SustainedFigures[] = [];
  for (const rate of SUSTAINED_RATES) {
    const figures = await sustain(desk, rate);
    results.push(figures);
    if (figures.failures.length) break;
  }
  say('');
  const head = ['asked', 'achieved', 'failed', 'p50 ms', 'p99 ms', 'lag p50', 'lag p99', 'lag max', 'caught s'];
  say(`${cell(head, 6)}  verdict`);
  for (const f of results) {
    const line = [f.rate, f.achieved.toFixed(1), f.failed, f.p50.toFixed(0), f.p99.toFixed(0)];
    const verdict = f.failures.length ? `FAIL: ${f.failures.join(', ')}` : 'PASS';
    say(`${cell([...line, f.lag.p50, f.lag.p99, f.lag.max, caughtUpText(f)], 6)}  ${verdict}`);
  }
  const held = results.filter((f) => !f.failures.length).at(-1);
  const next = results.find((f) => f.failures.length);
  say(
    held
      ? `sustained: ${held.rate} req/s held (${held.achieved.toFixed(1)} achieved for ${SUSTAINED_S} s, outbox lag p99 ${held.lag.p99} ms, caught up after ${caughtUpText(held)} s; ${next ? `${next.rate} req/s failed` : 'the highest rate asked'})`
      : `sustained: 0 req/s held (${SUSTAINED_RATES[0]} req/s, the lowest rate asked, failed)`,
  );
  return results;
}
