import type autocannon from 'autocannon';
import type mysql from 'mysql2/promise';
import {
  DEMO_PASSWORD,
  each,
  INTAKE_BODY,
  json,
  login,
  mysqlServerPid,
  redisServerPid,
  removeBenchData,
  serverConnection,
  submittedIds,
} from './desk.js';
import { dealt, drive, type PhaseFigures, type Watched } from './drive.js';
import {
  ADMIN_PASSWORD,
  benchTarget,
  type BenchTarget,
  cleanUpOnSignal,
  freePort,
  loadLine,
  once,
  benchRedis,
  run,
  say,
  setUpDatabase,
  stopChildren,
  waitFor,
} from './harness.js';
import {
  createTimerItem,
  type Lateness,
  sampleOutboxLag,
  type Spread,
  spread,
  TIMER_WARN_AFTER_MS,
  timerLateness,
  trickle,
} from './lag.js';
import { UNLIMITED_CALLERS } from './limits.js';
import { APP_NODE_ARGS } from '../../cli/src/node-args.js';

/**
 * `npm run bench:scaled`: intake and approval (accept, then the licence approval that activates
 * five steps) against 1 api + 1 worker, then against 2 apis + 2 workers, each its own process on
 * this machine, on the local MySQL and Redis; the throughput of each and the ratio of the two. With
 * two apis, two autocannon instances drive them at once, each one api with half the connections (no
 * load balancer: a proxy would take CPU on the same cores), and their answers are added up.
 * Under that load it samples the outbox lag and measures the SLA timers' lateness (lag.ts).
 *
 * Each configuration gets a fresh database (`one_thing_bench_<pid>_<apis>x<workers>`, dropped
 * after it) and the queue prefix emptied before and after; the processes are stopped and the data
 * removed on an error or Ctrl-C too.
 *
 *   BENCH_DURATION (s of intake, default 10)  BENCH_CONNECTIONS (in all, default 32)
 *   BENCH_TIMER_RATE (timer requests per second before the load, default 20)
 *   BENCH_QUEUE_PREFIX (default {bench-scaled-<pid>})  BENCH_LOG_LEVEL (default info, as deployed)
 */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TIMER_RATE = Number(process.env.BENCH_TIMER_RATE ?? 20);
const QUEUE_PREFIX = process.env.BENCH_QUEUE_PREFIX ?? `{bench-scaled-${process.pid}}`;
const SCALES = [1, 2];

interface Configuration {
  scale: number;
  phases: PhaseFigures[];
  outboxLag: Spread;
  timers: Lateness;
  timerRequests: { taken: number; refused: number };
  loadSeconds: number;
}

const label = (n: number) => `${n} api${n > 1 ? 's' : ''} + ${n} worker${n > 1 ? 's' : ''}`;

/** Waits until `n` workers beat in the queue's heartbeat set (the key was emptied before). */
async function workersBeating(queuePrefix: string, n: number, timeoutMs = 60_000): Promise<void> {
  const redis = benchRedis();
  try {
    const deadline = Date.now() + timeoutMs;
    while ((await redis.zcard(`${queuePrefix}:workers`)) < n) {
      if (Date.now() > deadline) throw new Error(`${n} workers did not beat within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    redis.disconnect();
  }
}

/** `scale` apis and `scale` workers on a fresh database, driven through the phases. */
async function configuration(admin: mysql.Connection, target: BenchTarget, scale: number): Promise<Configuration> {
  say(`\n${label(scale)} (${loadLine()}): database ${target.databaseName}, setting up…`);
  await removeBenchData(admin, target);
  await setUpDatabase(target);
  const ports = await Promise.all(Array.from({ length: scale }, () => freePort()));
  const apiProcesses = ports.map((port) =>
    run(target, 'api/src/main.js', { PORT: String(port), ...UNLIMITED_CALLERS }, [...APP_NODE_ARGS]),
  );
  const workerProcesses = Array.from({ length: scale }, () =>
    run(target, 'worker/src/main.js', {}, [...APP_NODE_ARGS]),
  );
  const apis = ports.map((port) => `http://127.0.0.1:${port}`);
  await Promise.all(apis.map((api) => waitFor(`${api}/health`, 60_000)));
  await workersBeating(target.queuePrefix, scale);
  const watched: Watched = {
    apis: apiProcesses.map((p) => p.pid),
    workers: workerProcesses.map((p) => p.pid),
    db: [await mysqlServerPid(admin)],
    redis: [await redisServerPid()],
  };

  await createTimerItem(apis[0], await login(apis[0], 'admin', ADMIN_PASSWORD));
  const applicant = await login(apis[0], 'demo.applicant', DEMO_PASSWORD);
  const clerk = await login(apis[0], 'demo.clerk', DEMO_PASSWORD);
  const approver = await login(apis[0], 'demo.approver', DEMO_PASSWORD);
  const connections = Math.max(1, Math.floor(CONNECTIONS / scale));
  const intake = (duration: number): autocannon.Options[] =>
    apis.map((api) => ({
      url: `${api}/api/v1/requests`,
      method: 'POST',
      headers: json(applicant),
      body: INTAKE_BODY,
      connections,
      duration,
    }));
  const onEach = (ids: string[], token: string, body: string, path: (id: string) => string): autocannon.Options[] =>
    apis.flatMap((api, i) => {
      const mine = dealt(ids, apis.length, i);
      return mine.length === 0
        ? []
        : [{ url: api, method: 'POST' as const, headers: json(token), body, connections, ...each(mine, path) }];
    });

  // The timers: requests of the timer item, submitted for as long as a warning takes (30 s) before
  // the load, fall due through its first 30 s (warnings) and the 30 s after (overdue). The warm-up
  // runs meanwhile.
  say(`  timer requests: ${TIMER_RATE}/s for ${TIMER_WARN_AFTER_MS / 1000} s before the load, warm-up (2 s)…`);
  const timerRequests = trickle(apis, applicant, TIMER_RATE, TIMER_WARN_AFTER_MS);
  await drive('warm-up', intake(2), {});
  const timersTaken = await timerRequests;

  say(`measuring (${scale} × ${connections} connections, intake for ${DURATION_S} s)…`);
  const lag = sampleOutboxLag(admin, target);
  const from = Date.now();
  const phases: PhaseFigures[] = [];
  try {
    phases.push(await drive('intake: POST /requests (6 steps)', intake(DURATION_S), watched));
    const ids = await submittedIds(admin, target);
    phases.push(
      await drive(
        'accept: POST /requests/{id}/accept',
        onEach(ids, clerk, '{}', (id) => `/api/v1/requests/${id}/accept`),
        watched,
      ),
      await drive(
        'approve: licence, activating 5 steps',
        onEach(
          ids,
          approver,
          JSON.stringify({ comment: 'bench' }),
          (id) => `/api/v1/requests/${id}/steps/licence/approve`,
        ),
        watched,
      ),
    );
  } catch (error) {
    await lag.stop().catch(() => undefined);
    throw error;
  }
  const to = Date.now();
  const outboxLag = spread(await lag.stop());
  const timers = await timerLateness(admin, target, { from, to });
  await stopChildren();
  await removeBenchData(admin, target);
  return { scale, phases, outboxLag, timers, timerRequests: timersTaken, loadSeconds: (to - from) / 1000 };
}

const ms = (n: number) => n.toFixed(0);

/** CPU ms of the desk (apis, workers, MySQL, Redis) per answered request: the cost, whatever the machine's other load. */
function cpuPerRequest(p: PhaseFigures): string {
  const shares = ['apis', 'workers', 'db', 'redis'].map((group) => p.cpu[group]);
  if (shares.some((share) => share === null || share === undefined) || p.perSecond === 0) return '-';
  return (((shares as number[]).reduce((a, b) => a + b, 0) * 1000) / p.perSecond).toFixed(1);
}
const cpu = (share: number | null | undefined) =>
  share === null || share === undefined ? '-' : `${(share * 100).toFixed(0)}%`;

function print(c: Configuration): void {
  const head = [
    'phase',
    'ok',
    'req/s',
    'p50 ms',
    'p99 ms',
    'non-2xx',
    'errors',
    'apis',
    'workers',
    'db',
    'redis',
    'bench',
  ];
  const lines = [
    head,
    ...c.phases.map((p) => [
      p.name,
      String(p.ok),
      p.perSecond.toFixed(0),
      ms(p.p50),
      ms(p.p99),
      String(p.non2xx),
      String(p.errors),
      cpu(p.cpu.apis),
      cpu(p.cpu.workers),
      cpu(p.cpu.db),
      cpu(p.cpu.redis),
      cpu(p.cpu.bench),
      cpuPerRequest(p),
    ]),
  ];
  say(`\n${label(c.scale)}: ${c.loadSeconds.toFixed(0)} s of load`);
  for (const line of lines) say(line.map((cell, i) => (i === 0 ? cell.padEnd(40) : cell.padStart(8))).join(' '));
  const l = c.outboxLag;
  say(
    `outbox lag (age of the oldest unrelayed row, ${l.count} samples every 500 ms): p50 ${ms(l.p50)} ms, p99 ${ms(l.p99)} ms, max ${ms(l.max)} ms`,
  );
  const t = c.timers;
  say(
    `timer lateness (recorded minus due, ${t.warnings} warnings + ${t.overdue} overdue due during the load, of ${c.timerRequests.taken} timer requests): p50 ${ms(t.p50)} ms, p99 ${ms(t.p99)} ms, max ${ms(t.max)} ms` +
      (t.missing > 0 ? `; ${t.missing} not recorded 60 s after the load` : '') +
      (c.timerRequests.refused > 0 ? `; ${c.timerRequests.refused} timer requests refused` : ''),
  );
}

async function main(): Promise<void> {
  const admin = await serverConnection();
  const targets = SCALES.map((scale) => benchTarget(`one_thing_bench_${process.pid}_${scale}x${scale}`, QUEUE_PREFIX));
  const cleanUp = once(async () => {
    await stopChildren();
    for (const target of targets) await removeBenchData(admin, target);
    await admin.end();
    say(`cleaned up: databases one_thing_bench_${process.pid}_* dropped, queue keys ${QUEUE_PREFIX}* deleted`);
  });
  cleanUpOnSignal(cleanUp);
  try {
    say(`scaled bench: ${loadLine()} (the machine may be shared: the figures vary with its load)`);
    const results: Configuration[] = [];
    for (const [i, scale] of SCALES.entries()) results.push(await configuration(admin, targets[i], scale));
    for (const c of results) print(c);
    const [single, double] = results;
    say(
      `\n2+2 over 1+1 (req/s): ${single.phases.map((p, i) => `${p.name.split(':')[0]} ${(double.phases[i].perSecond / p.perSecond).toFixed(2)}`).join(', ')}`,
    );
    say(
      'CPU columns: the processes of each group, in % of one core over the phase (apis, workers, MySQL, Redis, and this process: the autocannon instances); CPU/req: ms of CPU of the first four per 2xx answer',
    );
    say(loadLine());
    const failed =
      results.flatMap((c) => c.phases).reduce((n, p) => n + p.non2xx + p.errors, 0) +
      results.reduce((n, c) => n + c.timerRequests.refused + c.timers.missing, 0);
    if (failed > 0) {
      say(`${failed} requests failed or timers went unrecorded: the figures above are not comparable`);
      process.exitCode = 1;
    }
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`scaled bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
