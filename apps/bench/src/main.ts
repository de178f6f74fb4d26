import autocannon from 'autocannon';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DEMO_PASSWORD,
  each,
  INTAKE_BODY,
  json,
  login,
  mysqlServerPid,
  outboxDrained,
  redisServerPid,
  removeBenchData,
  rows,
  serverConnection,
  submittedIds,
} from './desk.js';
import {
  benchTarget,
  cleanUpOnSignal,
  cpuSeconds,
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
import { UNLIMITED_CALLERS } from './limits.js';
import { APP_NODE_ARGS } from '../../cli/src/node-args.js';
import { benchRecord, compareLines, type PhaseRecord, readRecord, saveRecord } from './compare.js';
import { profileLines, profileOf } from './profile.js';
import { SUSTAINED_S, sustainedPhase } from './sustained.js';

/**
 * `npm run bench`: intake and approval of the api against a yardstick, on the local MySQL and
 * Redis, in a database of its own that is dropped at the end. The api and the yardstick run as
 * child processes the same way; autocannon drives both from here with the same connections.
 *
 *   BENCH_DURATION (s, default 10)  BENCH_CONNECTIONS (default 32)  BENCH_PROFILE=1 (CPU profiles
 *   of the api in bench-profiles/)  BENCH_LOG_LEVEL (api log level, default info as deployed)
 *   BENCH_QUEUE_PREFIX (default {bench-<pid>})  BENCH_SUSTAINED_* (the sustained phase, sustained.ts)
 *   BENCH_OUT (the figures as JSON, default bench-results/intake-<time>.json)
 *   BENCH_COMPARE (a file BENCH_OUT wrote: prints this run's ratios to it; compare.ts)
 */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROFILE = process.env.BENCH_PROFILE === '1';
// Read first: a wrong file stops the bench before it runs for minutes.
const BEFORE = process.env.BENCH_COMPARE ? readRecord(process.env.BENCH_COMPARE) : null;
const target = benchTarget(
  `one_thing_bench_${process.pid}`,
  process.env.BENCH_QUEUE_PREFIX ?? `{bench-${process.pid}}`,
);
const { databaseName, queuePrefix } = target;

/**
 * A refused login must not tell an unknown username from a wrong password by its timing: both
 * verify one Argon2 hash (a decoy for the unknown one). Alternates the two, one at a time.
 */
async function loginTiming(base: string, rounds = 40): Promise<void> {
  const timeOne = async (username: string, password: string) => {
    const started = performance.now();
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    await res.arrayBuffer();
    if (res.status !== 401) throw new Error(`a refused login answered ${res.status}`);
    return performance.now() - started;
  };
  const unknown: number[] = [];
  const wrong: number[] = [];
  for (let i = 0; i < rounds; i++) {
    unknown.push(await timeOne(`bench-nobody-${i}`, 'not-the-password-1'));
    wrong.push(await timeOne('demo.manager', 'not-the-password-1'));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  say(
    `refused logins (${rounds} each, sequential): unknown user p50 ${median(unknown).toFixed(1)} ms, wrong password p50 ${median(wrong).toFixed(1)} ms, ratio ${(median(unknown) / median(wrong)).toFixed(2)}`,
  );
}

const profileDir = fileURLToPath(new URL('../../../../bench-profiles/', import.meta.url));
/** A cell of the bench's tables: the first column's name, then right-aligned figures. */
const cell = (text: string, i: number) => (i === 0 ? text.padEnd(44) : text.padStart(8));

/** Which processes' CPU each phase reports: the server under load, MySQL, the worker and Redis. */
let watched: { api?: number; mysql?: number; worker?: number; redis?: number } = {};

interface Figures {
  name: string;
  serverCpu: number | null;
  mysqlCpu: number | null;
  workerCpu: number | null;
  redisCpu: number | null;
  /** The bench process itself (autocannon), in share of one core. */
  benchCpu: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

type LoadOptions = Omit<autocannon.Options, 'url'> & { url: string };

async function load(name: string, options: LoadOptions, server?: number): Promise<Figures> {
  process.stdout.write(`  ${name}…\n`);
  const settings: autocannon.Options = { connections: CONNECTIONS, ...options };
  if (settings.amount === undefined) settings.duration = options.duration ?? DURATION_S;
  const sample = () => ({
    server: cpuSeconds(server),
    mysql: cpuSeconds(watched.mysql),
    worker: cpuSeconds(watched.worker),
    redis: cpuSeconds(watched.redis),
  });
  const before = sample();
  const benchBefore = process.cpuUsage();
  const result = await autocannon(settings);
  const benchUsed = process.cpuUsage(benchBefore);
  const after = sample();
  const share = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / result.duration);
  const ok = result['2xx'];
  return {
    name,
    serverCpu: share(before.server, after.server),
    mysqlCpu: share(before.mysql, after.mysql),
    workerCpu: share(before.worker, after.worker),
    redisCpu: share(before.redis, after.redis),
    benchCpu: (benchUsed.user + benchUsed.system) / 1e6 / result.duration,
    requests: ok,
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  const admin = await serverConnection();
  const cleanUp = once(async () => {
    await stopChildren();
    await removeBenchData(admin, target);
    await admin.end();
    say(`cleaned up: database ${databaseName} dropped, queue keys ${queuePrefix}* deleted`);
  });
  cleanUpOnSignal(cleanUp);
  try {
    say(loadLine());
    await removeBenchData(admin, target);
    say(`bench database ${databaseName}: migrating and seeding the demo catalogue…`);
    await setUpDatabase(target);
    const [version] = await rows<{ id: number }>(
      admin,
      `SELECT id FROM \`${databaseName}\`.item_versions WHERE item_code = 'OPEN-BUSINESS' AND status = 'published'`,
    );
    const [company] = await rows<{ uscc: string }>(admin, `SELECT uscc FROM \`${databaseName}\`.companies LIMIT 1`);

    const apiPort = await freePort();
    const yardstickPort = await freePort();
    if (PROFILE) mkdirSync(profileDir, { recursive: true });
    const intakeBody = INTAKE_BODY;
    watched = { mysql: await mysqlServerPid(admin), redis: await redisServerPid() };

    // The yardstick alone, with none of the desk's processes up: measured beside an idle api and
    // worker it would share the two cores with them and flatter the desk's ratio.
    const yardstickProcess = run(target, 'bench/src/yardstick.js', {
      PORT: String(yardstickPort),
      BENCH_VERSION_ID: String(version.id),
      BENCH_USCC: company.uscc,
    });
    const yardstick = `http://127.0.0.1:${yardstickPort}`;
    await waitFor(yardstick);
    say(`yardstick alone: warming up (${CONNECTIONS} connections), then ${DURATION_S} s…`);
    await load('warm-up', { url: `${yardstick}/`, method: 'POST', body: intakeBody, duration: 2 });
    const yard = await load(
      'yardstick: node:http + mysql2, 1+6+1 rows',
      { url: `${yardstick}/`, method: 'POST', body: intakeBody },
      yardstickProcess.pid,
    );
    await stopChildren();

    const apiProcess = run(
      target,
      'api/src/main.js',
      // The login timing below makes many failed logins from one address on purpose.
      {
        PORT: String(apiPort),
        LOGIN_MAX_FAILURES: '1000',
        LOGIN_RATE_PER_ADDRESS: '100000',
        LOGIN_RATE_PER_USERNAME: '100000',
        ...UNLIMITED_CALLERS,
      },
      [...APP_NODE_ARGS, ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
    );
    // The worker too, as npm start runs it: it relays the outbox and sets every SLA clock's timer
    // while the api takes requests, on the same machine.
    const workerProcess = run(target, 'worker/src/main.js', {}, [
      ...APP_NODE_ARGS,
      ...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    ]);
    watched = { ...watched, api: apiProcess.pid, worker: workerProcess.pid };
    const api = `http://127.0.0.1:${apiPort}`;
    await waitFor(`${api}/health`);

    const applicant = await login(api, 'demo.applicant', DEMO_PASSWORD);
    const clerk = await login(api, 'demo.clerk', DEMO_PASSWORD);
    const approver = await login(api, 'demo.approver', DEMO_PASSWORD);

    say(`the desk (api and worker): warming up (${CONNECTIONS} connections), then ${DURATION_S} s each…`);
    await load('warm-up', {
      url: `${api}/api/v1/requests`,
      method: 'POST',
      headers: json(applicant),
      body: intakeBody,
      duration: 2,
    });
    const intake = await load(
      'intake: POST /requests (6 steps)',
      { url: `${api}/api/v1/requests`, method: 'POST', headers: json(applicant), body: intakeBody },
      apiProcess.pid,
    );

    const ids = await submittedIds(admin, target);
    const accept = await load(
      'accept: POST /requests/{id}/accept',
      {
        url: api,
        method: 'POST',
        headers: json(clerk),
        body: '{}',
        ...each(ids, (id) => `/api/v1/requests/${id}/accept`),
      },
      apiProcess.pid,
    );
    const approve = await load(
      'approve: licence, activating 5 steps',
      {
        url: api,
        method: 'POST',
        headers: json(approver),
        body: JSON.stringify({ comment: 'bench' }),
        ...each(ids, (id) => `/api/v1/requests/${id}/steps/licence/approve`),
      },
      apiProcess.pid,
    );

    const phases = [yard, intake, accept, approve];
    const cpu = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(0)}%`);
    const table = [
      ['what', 'ok', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'srv CPU', 'db CPU', 'wrk CPU'],
      ...phases.map((r) => [
        r.name,
        String(r.requests),
        r.perSecond.toFixed(0),
        r.p50.toFixed(0),
        r.p99.toFixed(0),
        String(r.failures),
        cpu(r.serverCpu),
        cpu(r.mysqlCpu),
        cpu(r.workerCpu),
      ]),
    ];
    say('');
    for (const line of table) say(line.map(cell).join(' '));
    say(
      'srv CPU: the server process (api or yardstick), db CPU: MySQL, wrk CPU: the worker (outbox relay, SLA timers), each in % of one core (this machine has 2)',
    );
    // Where the two cores go: each process's CPU per answer. Throughput on a saturated machine is
    // the cores over the sum, so this is what bounds each phase and what a change moved.
    say('');
    say('CPU per answer, ms (what bounds a phase on 2 cores: 2000 ms/s over the total)');
    const perAnswer = (share: number | null, r: Figures) =>
      share === null || r.perSecond === 0 ? null : (share * 1000) / r.perSecond;
    const ms = (v: number | null) => (v === null ? '-' : v.toFixed(2));
    say(['what', 'server', 'mysql', 'worker', 'redis', 'bench', 'total'].map(cell).join(' '));
    const records: PhaseRecord[] = [];
    for (const r of phases) {
      const parts = [r.serverCpu, r.mysqlCpu, r.workerCpu, r.redisCpu, r.benchCpu].map((v) => perAnswer(v, r));
      const total = parts.reduce<number>((sum, v) => sum + (v ?? 0), 0);
      say([r.name, ...parts.map(ms), ms(total)].map(cell).join(' '));
      const [server, mysql, worker, redis, bench] = parts;
      records.push({
        name: r.name,
        perSecond: r.perSecond,
        p50: r.p50,
        p99: r.p99,
        failures: r.failures,
        cpuMs: { server, mysql, worker, redis, bench, total },
      });
    }
    // Timers: one delayed job per open clock's next threshold, set by the worker from the outbox.
    await outboxDrained(admin, target);
    await new Promise((r) => setTimeout(r, 2000));
    const [open] = await rows<{ n: number }>(
      admin,
      `SELECT COUNT(*) AS n FROM \`${databaseName}\`.sla_clocks WHERE stopped_at IS NULL AND paused_at IS NULL`,
    );
    const redis = benchRedis();
    const timers = await redis.zcard(`${queuePrefix}:sla:delayed`);
    redis.disconnect();
    say(
      `SLA timers: ${timers} delayed jobs in Redis for ${Number(open.n)} running clocks (one per clock's next threshold, plus the reconciliation's schedule)`,
    );
    say(
      `intake / yardstick (measured alone): ${(intake.perSecond / yard.perSecond).toFixed(2)} of the throughput (goal ≥ 0.35), p99 ${(intake.p99 / yard.p99).toFixed(1)}× the yardstick's (${intake.p99.toFixed(0)} ms vs ${yard.p99.toFixed(0)} ms; goal ≤ 3×)`,
    );
    await loginTiming(api);
    // Last, on its own: each rate starts once the backlog of the phases before it is drained.
    let held: number | null = null;
    if (SUSTAINED_S > 0) {
      const ladder = await sustainedPhase({
        admin,
        target,
        url: `${api}/api/v1/requests`,
        headers: json(applicant),
        body: intakeBody,
        pids: { api: apiProcess.pid, worker: workerProcess.pid, db: watched.mysql },
      });
      held = ladder.filter((f) => !f.failures.length).at(-1)?.rate ?? 0;
    }
    const record = benchRecord(records, held);
    say(`\nfigures kept in ${saveRecord(record)} (compare a later run with BENCH_COMPARE=<that file>)`);
    if (BEFORE) for (const line of compareLines(BEFORE, record)) say(line);
    const failed = phases.reduce((n, r) => n + r.failures, 0);
    if (failed > 0) {
      say(`${failed} requests failed: the figures above are not comparable`);
      process.exitCode = 1;
    }
  } finally {
    await cleanUp();
    if (PROFILE) {
      // Written as the processes exited: where each spent its busy time over the whole run.
      for (const [title, pid] of [
        ['api profile', watched.api],
        ['worker profile', watched.worker],
      ] as const) {
        const profile = profileOf(profileDir, pid);
        if (profile) for (const line of profileLines(title, profile)) say(line);
      }
      say('CPU profiles of the api and the worker: bench-profiles/ (open in Chrome DevTools)');
    }
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
