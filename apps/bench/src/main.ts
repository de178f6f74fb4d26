import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import { createRedis, parseRedisUrl, scanKeys } from '#config';
import { DEMO_FORM } from '../../cli/src/demo-seed.js';
import { UNLIMITED_CALLERS } from './limits.js';

/**
 * `npm run bench`: intake and approval of the api against a yardstick, on the local MySQL and
 * Redis, in a database of its own that is dropped at the end. The api and the yardstick run as
 * child processes the same way; autocannon drives both from here with the same connections.
 *
 *   BENCH_DURATION (s, default 10)  BENCH_CONNECTIONS (default 32)  BENCH_PROFILE=1 (CPU profiles
 *   of the api in bench-profiles/)  BENCH_LOG_LEVEL (api log level, default info as deployed)
 */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PROFILE = process.env.BENCH_PROFILE === '1';
const ADMIN_PASSWORD = 'bench-admin-2026';
const DEMO_PASSWORD = 'demo-pass-2026';

const serverUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/one_thing');
const databaseName = `one_thing_bench_${process.pid}`;
const databaseUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${databaseName}` }).href;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const queuePrefix = `{bench-${process.pid}}`;
/** The bench's own Redis connections (one Redis or a Redis Cluster, as REDIS_URL says). */
const benchRedis = (lazyConnect = false) =>
  createRedis({ redis: parseRedisUrl(redisUrl) }, { lazyConnect, maxRetriesPerRequest: 1 });
const dist = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const childEnv = (extra: Record<string, string>) => ({
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  QUEUE_PREFIX: queuePrefix,
  ADMIN_PASSWORD,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  ...extra,
});

function run(entry: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, [...args, dist(entry)], {
    env: childEnv(env),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function exited(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code ?? 0));
  });
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

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

async function login(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

/** CPU seconds a process has used (user + system), from /proc; null where there is no /proc. */
function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

function mysqlServerPid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const pid = Number(execFileSync('pidof', ['-s', name], { encoding: 'utf8' }).trim());
      if (pid > 0) return pid;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Which processes' CPU each phase reports: the server under load and MySQL. */
let watched: { server?: number; mysql?: number; worker?: number } = {};

interface Figures {
  name: string;
  serverCpu: number | null;
  mysqlCpu: number | null;
  workerCpu: number | null;
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
  const before = { server: cpuSeconds(server), mysql: cpuSeconds(watched.mysql), worker: cpuSeconds(watched.worker) };
  const result = await autocannon(settings);
  const after = { server: cpuSeconds(server), mysql: cpuSeconds(watched.mysql), worker: cpuSeconds(watched.worker) };
  const share = (a: number | null, b: number | null) => (a === null || b === null ? null : (b - a) / result.duration);
  const ok = result['2xx'];
  return {
    name,
    serverCpu: share(before.server, after.server),
    mysqlCpu: share(before.mysql, after.mysql),
    workerCpu: share(before.worker, after.worker),
    requests: ok,
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/** Runs `path` once for each id, in order, spread over the connections. */
function each(ids: readonly string[], path: (id: string) => string): Pick<autocannon.Options, 'amount' | 'requests'> {
  let next = 0;
  return {
    amount: ids.length,
    requests: [{ setupRequest: (request) => ({ ...request, path: path(ids[next++ % ids.length]) }) }],
  };
}

async function main(): Promise<void> {
  const admin = await mysql.createConnection({ uri: serverUrl.href.replace(/\/[^/]*$/, '/'), timezone: 'Z' });
  const children: ChildProcess[] = [];
  try {
    await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    say(`bench database ${databaseName}: migrating and seeding the demo catalogue…`);
    const setupCode = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [dist('cli/src/main.js'), 'setup'], {
        env: childEnv({ LOG_LEVEL: 'warn' }),
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.on('exit', (code) => resolve(code ?? 1));
    });
    if (setupCode !== 0) throw new Error(`setup exited with ${setupCode}`);

    const [[version]] = (await admin.query(
      `SELECT id FROM \`${databaseName}\`.item_versions WHERE item_code = 'OPEN-BUSINESS' AND status = 'published'`,
    )) as unknown as [{ id: number }[]];
    const [[company]] = (await admin.query(`SELECT uscc FROM \`${databaseName}\`.companies LIMIT 1`)) as unknown as [
      { uscc: string }[],
    ];

    const apiPort = await freePort();
    const yardstickPort = await freePort();
    const profileDir = fileURLToPath(new URL('../../../../bench-profiles/', import.meta.url));
    if (PROFILE) mkdirSync(profileDir, { recursive: true });
    children.push(
      run(
        'api/src/main.js',
        // The login timing below makes many failed logins from one address on purpose.
        {
          PORT: String(apiPort),
          LOGIN_MAX_FAILURES: '1000',
          LOGIN_RATE_PER_ADDRESS: '100000',
          LOGIN_RATE_PER_USERNAME: '100000',
          ...UNLIMITED_CALLERS,
        },
        PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      ),
      // The worker too, as npm start runs it: it relays the outbox and sets every SLA clock's timer
      // while the api takes requests, on the same machine.
      run('worker/src/main.js', {}),
      run('bench/src/yardstick.js', {
        PORT: String(yardstickPort),
        BENCH_VERSION_ID: String(version.id),
        BENCH_USCC: company.uscc,
      }),
    );
    const [apiProcess, workerProcess, yardstickProcess] = children;
    watched = { mysql: mysqlServerPid(), worker: workerProcess.pid };
    const api = `http://127.0.0.1:${apiPort}`;
    const yardstick = `http://127.0.0.1:${yardstickPort}`;
    await Promise.all([waitFor(`${api}/health`), waitFor(yardstick)]);

    const applicant = await login(api, 'demo.applicant', DEMO_PASSWORD);
    const clerk = await login(api, 'demo.clerk', DEMO_PASSWORD);
    const approver = await login(api, 'demo.approver', DEMO_PASSWORD);
    const intakeBody = JSON.stringify({
      itemCode: 'OPEN-BUSINESS',
      form: DEMO_FORM,
      materials: [
        { code: 'APPLICATION-FORM', reference: 'file:bench/application.pdf' },
        { code: 'ARTICLES', reference: 'file:bench/articles.pdf' },
        { code: 'ID-LEGAL-REP', reference: 'file:bench/id.pdf' },
        { code: 'PREMISES', reference: 'file:bench/premises.pdf' },
        { code: 'BIZ-LICENCE-COPY', reference: 'file:bench/licence-copy.pdf' },
      ],
    });
    const json = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

    say(`warming up (${CONNECTIONS} connections)…`);
    await load('warm-up', { url: `${yardstick}/`, method: 'POST', body: intakeBody, duration: 2 });
    await load('warm-up', {
      url: `${api}/api/v1/requests`,
      method: 'POST',
      headers: json(applicant),
      body: intakeBody,
      duration: 2,
    });

    say(`measuring, ${DURATION_S} s each…`);
    const yard = await load(
      'yardstick: node:http + mysql2, 1+6+1 rows',
      { url: `${yardstick}/`, method: 'POST', body: intakeBody },
      yardstickProcess.pid,
    );
    const intake = await load(
      'intake: POST /requests (6 steps)',
      { url: `${api}/api/v1/requests`, method: 'POST', headers: json(applicant), body: intakeBody },
      apiProcess.pid,
    );

    const submitted = (await admin.query(
      `SELECT id FROM \`${databaseName}\`.service_requests WHERE status = 'submitted' AND item_code = 'OPEN-BUSINESS' ORDER BY id`,
    )) as unknown as [{ id: number }[]];
    const ids = submitted[0].map((row) => String(row.id));
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

    const rows = [yard, intake, accept, approve];
    const cpu = (share: number | null) => (share === null ? '-' : `${(share * 100).toFixed(0)}%`);
    const table = [
      ['what', 'ok', 'req/s', 'p50 ms', 'p99 ms', 'failed', 'srv CPU', 'db CPU', 'wrk CPU'],
      ...rows.map((r) => [
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
    for (const line of table) say(line.map((cell, i) => (i === 0 ? cell.padEnd(44) : cell.padStart(8))).join(' '));
    say(
      'srv CPU: the server process (api or yardstick), db CPU: MySQL, wrk CPU: the worker (outbox relay, SLA timers), each in % of one core (this machine has 2)',
    );
    // Timers: one delayed job per open clock's next threshold, set by the worker from the outbox.
    const pending = async () =>
      Number(
        (
          (await admin.query(
            `SELECT COUNT(*) AS n FROM \`${databaseName}\`.outbox_events WHERE published_at IS NULL`,
          )) as unknown as [{ n: number }[]]
        )[0][0].n,
      );
    for (let i = 0; i < 60 && (await pending()) > 0; i++) await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 2000));
    const [[open]] = (await admin.query(
      `SELECT COUNT(*) AS n FROM \`${databaseName}\`.sla_clocks WHERE stopped_at IS NULL AND paused_at IS NULL`,
    )) as unknown as [{ n: number }[]];
    const redis = benchRedis();
    const timers = await redis.zcard(`${queuePrefix}:sla:delayed`);
    redis.disconnect();
    say(
      `SLA timers: ${timers} delayed jobs in Redis for ${Number(open.n)} running clocks (one per clock's next threshold, plus the reconciliation's schedule)`,
    );
    say(
      `intake / yardstick: ${(intake.perSecond / yard.perSecond).toFixed(2)} of the throughput (goal ≥ 0.50), p99 ${intake.p99.toFixed(0)} ms vs ${yard.p99.toFixed(0)} ms`,
    );
    await loginTiming(api);
    const failed = rows.reduce((n, r) => n + r.failures, 0);
    if (failed > 0) {
      say(`${failed} requests failed: the figures above are not comparable`);
      process.exitCode = 1;
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map(exited));
    await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await admin.end();
    const redis = benchRedis(true);
    try {
      await redis.connect();
      // One hash tag: every key is in one slot, so one DEL takes them all (a Redis Cluster too).
      const keys = await scanKeys(redis, `${queuePrefix}*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    say(`cleaned up: database ${databaseName} dropped, queue keys ${queuePrefix}* deleted`);
    if (PROFILE) say('CPU profiles of the api: bench-profiles/ (open in Chrome DevTools)');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
