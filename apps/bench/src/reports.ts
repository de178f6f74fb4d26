import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';

/**
 * `npm run bench:reports` (and the second half of `npm run bench`): seeds a database of its own
 * with finished requests and their steps (1,000,000 by default, BENCH_REPORT_REQUESTS), spread
 * over the year before today, then times every report through the api over a year, a month and
 * a day (the median of BENCH_REPORT_RUNS calls), and checks the turnaround and throughput figures
 * against a slow full scan of the requests' own rows.
 *
 * The database `one_thing_bench_reports` is kept, so the seed is paid once; BENCH_RESEED=1 seeds again.
 */
const REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 7);
const BATCH = 2000;
const ADMIN_PASSWORD = 'bench-admin-2026';
const DEMO_PASSWORD = 'demo-pass-2026';
const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

const serverUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/one_thing');
const databaseName = 'one_thing_bench_reports';
const databaseUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${databaseName}` }).href;
const queuePrefix = `{bench-reports-${process.pid}}`;
const dist = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

const childEnv = (extra: Record<string, string> = {}) => ({
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  QUEUE_PREFIX: queuePrefix,
  ADMIN_PASSWORD,
  LOG_LEVEL: 'warn',
  ...extra,
});

function node(entry: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [dist(entry), ...args], {
    env: childEnv(env),
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
const exited = (child: ChildProcess) =>
  new Promise<number>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (c) => resolve(c ?? 0)),
  );

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

/** A deterministic generator, so two seeds of the same size hold the same requests. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BenchItem {
  code: string;
  versionId: string;
  /** Steps in order; a step with `after` starts when that one is decided. */
  steps: { key: string; matter: string; department: string; after?: string }[];
}

const ITEMS: Omit<BenchItem, 'versionId'>[] = [
  {
    code: 'BENCH-LICENCE-TAX',
    steps: [
      { key: 'licence', matter: 'BIZ-LICENCE', department: 'SAMR' },
      { key: 'tax', matter: 'TAX-REGISTRATION', department: 'TAX', after: 'licence' },
    ],
  },
  { code: 'BENCH-SEAL', steps: [{ key: 'seal', matter: 'SEAL-ENGRAVING', department: 'PSB' }] },
  {
    code: 'BENCH-SOCIAL-FUND',
    steps: [
      { key: 'social', matter: 'SOCIAL-INSURANCE', department: 'HRSS' },
      { key: 'fund', matter: 'HOUSING-FUND', department: 'HPF' },
    ],
  },
];

async function api(base: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const dt = (t: number) => new Date(t);

/** Seeds `REQUESTS` ended requests with their steps and clocks, in batches, straight into MySQL. */
async function seed(
  db: mysql.Connection,
  items: BenchItem[],
  approvers: Map<string, string[]>,
  applicantId: string,
  uscc: string,
) {
  const rnd = random(20261127);
  const end = Date.parse(`${new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10)}T00:00:00+08:00`);
  const start = end - 365 * DAY;
  const [[{ next }]] = (await db.query('SELECT COALESCE(MAX(id), 0) + 1 AS next FROM service_requests')) as unknown as [
    { next: number }[],
  ];
  let id = Number(next);
  const started = Date.now();
  for (let done = 0; done < REQUESTS; done += BATCH) {
    const requests: unknown[][] = [];
    const steps: unknown[][] = [];
    const clocks: unknown[][] = [];
    for (let i = 0; i < Math.min(BATCH, REQUESTS - done); i++, id++) {
      const item = items[Math.floor(rnd() * items.length)];
      const hall = rnd() < 0.6 ? 'CENTRE' : 'EAST';
      const submitted = start + Math.floor(rnd() * (365 * DAY - 4 * DAY));
      const fate = rnd();
      const status = fate < 0.92 ? 'completed' : fate < 0.95 ? 'denied' : fate < 0.98 ? 'refused' : 'withdrawn';
      let accepted: number | null = null;
      let ended = submitted + Math.floor(rnd() * 2 * DAY) + 10 * MIN;
      if (status === 'completed' || status === 'denied') {
        accepted = submitted + 10 * MIN + Math.floor(rnd() * 8 * HOUR);
        const decided = new Map<string, number>();
        let requestPaused = 0;
        let last = accepted;
        for (const [index, step] of item.steps.entries()) {
          const activated = step.after ? decided.get(step.after)! : accepted;
          const worked = (20 + Math.floor(rnd() * 1500)) * MIN + Math.floor(rnd() * MIN);
          const paused = rnd() < 0.1 ? Math.floor(rnd() * 2 * DAY) : 0;
          requestPaused += paused;
          const at = activated + worked + paused;
          decided.set(step.key, at);
          last = Math.max(last, at);
          const denied = status === 'denied' && index === item.steps.length - 1;
          const people = approvers.get(step.department)!;
          const approver = people[Math.floor(rnd() * people.length)];
          const due = activated + 8 * HOUR + paused;
          steps.push([
            id,
            step.key,
            index,
            step.matter,
            '审批',
            step.department,
            JSON.stringify(step.after ? [step.after] : []),
            denied ? 'denied' : 'approved',
            dt(activated),
            dt(at),
            approver,
            denied ? null : `B${id}-${index}`,
            denied ? null : dt(at),
          ]);
          clocks.push([
            id,
            'step',
            step.key,
            'zone',
            1,
            'workingDays',
            dt(activated),
            dt(due),
            dt(activated + 6 * HOUR),
            paused,
            at > due ? dt(due) : null,
            dt(at),
            worked,
          ]);
        }
        ended = last;
        const worked = Math.max(0, ended - accepted - requestPaused);
        const due = accepted + 3 * DAY + requestPaused;
        clocks.push([
          id,
          'request',
          null,
          'zone',
          3,
          'workingDays',
          dt(accepted),
          dt(due),
          dt(accepted + 2 * DAY),
          requestPaused,
          ended > due ? dt(due) : null,
          dt(ended),
          worked,
        ]);
      }
      requests.push([
        id,
        `B${String(id).padStart(12, '0')}`,
        item.code,
        item.versionId,
        1,
        uscc,
        hall,
        status,
        '{}',
        '[]',
        applicantId,
        dt(submitted),
        accepted === null ? null : dt(accepted),
        status === 'completed' ? dt(ended) : null,
        dt(ended),
        dt(ended),
      ]);
    }
    await db.query(
      `INSERT INTO service_requests (id, number, item_code, item_version_id, item_version, company_uscc, hall_code, status, form,
         materials, submitted_by, submitted_at, accepted_at, completed_at, ended_at, updated_at) VALUES ?`,
      [requests],
    );
    if (steps.length > 0) {
      await db.query(
        `INSERT INTO request_steps (request_id, step_key, position, matter_code, matter_name, department_code, depends_on, status,
           activated_at, decided_at, decided_by, output_number, issued_at, output_kind, output_name) VALUES ?`,
        [steps.map((s) => [...s, 'licence', '证照'])],
      );
      await db.query(
        `INSERT INTO sla_clocks (request_id, kind, step_key, calendar_code, limit_value, limit_unit, started_at, due_at, warn_at,
           paused_ms, overdue_at, stopped_at, worked_ms, warn_share) VALUES ?`,
        [clocks.map((c) => [...c, 0.8])],
      );
    }
    if ((done + BATCH) % 100_000 === 0)
      say(`  ${done + BATCH} requests (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  return (Date.now() - started) / 1000;
}

/**
 * One in three ended requests rated a day after it ended (mostly 4 and 5); each 1 or 2 opens a
 * follow-up with a five-day clock, four in five closed within two days, the rest left open.
 */
async function seedEvaluations(db: mysql.Connection): Promise<void> {
  const score = `CASE WHEN (r.id * 7919) % 100 < 5 THEN 1 WHEN (r.id * 7919) % 100 < 10 THEN 2
    WHEN (r.id * 7919) % 100 < 25 THEN 3 WHEN (r.id * 7919) % 100 < 55 THEN 4 ELSE 5 END`;
  await db.query(
    `INSERT INTO evaluations (request_id, company_uscc, hall_code, item_code, score, evaluated_by, evaluated_at)
     SELECT r.id, r.company_uscc, r.hall_code, r.item_code, ${score}, r.submitted_by, r.ended_at + INTERVAL 1 DAY
       FROM service_requests r WHERE r.number LIKE 'B%' AND r.id % 3 = 0 AND r.status IN ('completed', 'denied', 'refused')`,
  );
  await db.query(
    `INSERT INTO follow_ups (request_id, evaluation_id, hall_code, status, opened_at, closed_at)
     SELECT e.request_id, e.id, e.hall_code, IF(e.id % 5 = 0, 'open', 'closed'), e.evaluated_at,
            IF(e.id % 5 = 0, NULL, e.evaluated_at + INTERVAL (e.id % 48) HOUR)
       FROM evaluations e WHERE e.score <= 2`,
  );
  await db.query(
    `INSERT INTO sla_clocks (request_id, kind, step_key, calendar_code, limit_value, limit_unit, warn_share, started_at, due_at,
       warn_at, stopped_at, worked_ms)
     SELECT f.request_id, 'follow-up', NULL, 'zone', 5, 'workingDays', 0.8, f.opened_at, f.opened_at + INTERVAL 7 DAY,
            f.opened_at + INTERVAL 5 DAY, f.closed_at, IF(f.closed_at IS NULL, NULL, TIMESTAMPDIFF(MICROSECOND, f.opened_at, f.closed_at) DIV 1000)
       FROM follow_ups f`,
  );
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nearestRank = (sorted: number[], p: number) => sorted[Math.ceil(p * sorted.length) - 1];
const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

/** Turnaround computed the slow way: every row of the period from the requests' own tables, in memory. */
async function slowTurnaround(
  db: mysql.Connection,
  groupBy: 'item' | 'department' | 'approver',
  from: string,
  to: string,
) {
  const lo = new Date(Date.parse(`${from}T00:00:00+08:00`));
  const hi = new Date(Date.parse(`${to}T00:00:00+08:00`) + DAY);
  const sql =
    groupBy === 'item'
      ? `SELECT r.item_code AS k, c.worked_ms AS w, TIMESTAMPDIFF(MICROSECOND, r.accepted_at, r.ended_at) DIV 1000 AS e,
                (c.overdue_at IS NULL AND c.stopped_at <= c.due_at) AS ok
           FROM service_requests r JOIN sla_clocks c ON c.request_id = r.id AND c.kind = 'request'
          WHERE r.status = 'completed' AND r.ended_at >= ? AND r.ended_at < ?`
      : `SELECT ${groupBy === 'department' ? 's.department_code' : 'u.username'} AS k, c.worked_ms AS w,
                TIMESTAMPDIFF(MICROSECOND, s.activated_at, s.decided_at) DIV 1000 AS e,
                (c.overdue_at IS NULL AND c.stopped_at <= c.due_at) AS ok
           FROM request_steps s JOIN sla_clocks c ON c.request_id = s.request_id AND c.kind = 'step' AND c.step_key = s.step_key
           LEFT JOIN users u ON u.id = s.decided_by
          WHERE s.status = 'approved' AND s.decided_at >= ? AND s.decided_at < ?`;
  const [rows] = (await db.query({ sql, rowsAsArray: true }, [lo, hi])) as unknown as [
    [string, number, number, number][],
  ];
  const groups = new Map<string, { w: number[]; e: number; ok: number; sum: number }>();
  for (const [k, w, e, ok] of rows) {
    const g = groups.get(k) ?? { w: [], e: 0, ok: 0, sum: 0 };
    g.w.push(Math.floor(Number(w) / MIN));
    g.sum += Number(w);
    g.e += Number(e);
    g.ok += Number(ok);
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
        meanWorkingHours: round(g.sum / n / HOUR, 3),
        medianWorkingHours: round(nearestRank(sorted, 0.5) / 60, 3),
        p90WorkingHours: round(nearestRank(sorted, 0.9) / 60, 3),
        meanElapsedDays: round(g.e / n / DAY, 3),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

async function main(): Promise<void> {
  const admin = await mysql.createConnection({
    uri: Object.assign(new URL(serverUrl.href), { pathname: '/' }).href,
    dateStrings: false,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  if (process.env.BENCH_RESEED === '1') await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
  const setupCode = await exited(node('cli/src/main.js', ['setup']));
  if (setupCode !== 0) throw new Error(`setup exited with ${setupCode}`);
  await admin.changeUser({ database: databaseName });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const apiProcess = node('api/src/main.js', [], { PORT: String(port) });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/health`)).ok) break;
      } catch {
        // not yet
      }
      if (i > 150) throw new Error('the api did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    const adminToken = (await api(base, null, 'POST', '/auth/login', { username: 'admin', password: ADMIN_PASSWORD }))
      .accessToken as string;

    const [[seeded]] = (await admin.query(
      "SELECT COUNT(*) AS n FROM service_requests WHERE number LIKE 'B%'",
    )) as unknown as [{ n: string }[]];
    if (Number(seeded.n) < REQUESTS) {
      // The catalogue and approvers through the api, as an admin would make them.
      const items: BenchItem[] = [];
      for (const item of ITEMS) {
        const existing = (await admin.query('SELECT id FROM item_versions WHERE item_code = ? AND status = ?', [
          item.code,
          'published',
        ])) as unknown as [{ id: string }[]];
        if (existing[0].length === 0) {
          const draft = await api(base, adminToken, 'POST', '/items', {
            code: item.code,
            name: `压测事项 ${item.code}`,
            category: 'bench',
            promisedLimit: { value: 3, unit: 'workingDays' },
            steps: item.steps.map((s) => ({ key: s.key, matterCode: s.matter, dependsOn: s.after ? [s.after] : [] })),
          });
          await api(base, adminToken, 'POST', `/items/${item.code}/versions/${String(draft.version)}/publish`);
        }
        const [[version]] = (await admin.query('SELECT id FROM item_versions WHERE item_code = ? AND status = ?', [
          item.code,
          'published',
        ])) as unknown as [{ id: string }[]];
        items.push({ ...item, versionId: String(version.id) });
      }
      const approvers = new Map<string, string[]>();
      for (const department of new Set(ITEMS.flatMap((i) => i.steps.map((s) => s.department)))) {
        for (const n of [1, 2]) {
          const username = `bench.${department.toLowerCase()}.${n}`;
          const [[found]] = (await admin.query('SELECT id FROM users WHERE username = ?', [username])) as unknown as [
            { id: string }[],
          ];
          const userId = found
            ? String(found.id)
            : ((
                await api(base, adminToken, 'POST', '/users', {
                  username,
                  password: DEMO_PASSWORD,
                  role: 'approver',
                  departmentCode: department,
                })
              ).id as string);
          approvers.set(department, [...(approvers.get(department) ?? []), userId]);
        }
      }
      const [[applicant]] = (await admin.query(
        "SELECT id, company_uscc AS uscc FROM users WHERE username = 'demo.applicant'",
      )) as unknown as [{ id: string; uscc: string }[]];
      await admin.query('DELETE FROM report_steps');
      await admin.query('DELETE FROM report_requests');
      await admin.query(
        "DELETE c FROM sla_clocks c JOIN service_requests r ON r.id = c.request_id WHERE r.number LIKE 'B%'",
      );
      await admin.query(
        "DELETE s FROM request_steps s JOIN service_requests r ON r.id = s.request_id WHERE r.number LIKE 'B%'",
      );
      await admin.query("DELETE FROM service_requests WHERE number LIKE 'B%'");
      say(`seeding ${REQUESTS} ended requests with their steps and clocks, ${BATCH} a batch…`);
      const seconds = await seed(admin, items, approvers, applicant.id, applicant.uscc);
      const [[counts]] = (await admin.query(
        'SELECT (SELECT COUNT(*) FROM service_requests) AS r, (SELECT COUNT(*) FROM request_steps) AS s, (SELECT COUNT(*) FROM sla_clocks) AS c',
      )) as unknown as [{ r: string; s: string; c: string }[]];
      say(`seeded in ${seconds.toFixed(0)} s: ${counts.r} requests, ${counts.s} steps, ${counts.c} clocks`);
      const rebuildStarted = Date.now();
      const code = await exited(node('cli/src/main.js', ['reports-rebuild']));
      if (code !== 0) throw new Error(`reports-rebuild exited with ${code}`);
      say(`npm run reports:rebuild took ${((Date.now() - rebuildStarted) / 1000).toFixed(0)} s`);
    } else {
      say(`using the ${seeded.n} requests seeded before in ${databaseName} (BENCH_RESEED=1 seeds again)`);
      // The worker keeps the rollups fresh every 30 s; the bench has no worker, so it does it once.
      const code = await exited(node('cli/src/main.js', ['reports-refresh']));
      if (code !== 0) throw new Error(`reports-refresh exited with ${code}`);
    }
    const [[evaluated]] = (await admin.query('SELECT COUNT(*) AS n FROM evaluations')) as unknown as [{ n: string }[]];
    if (Number(evaluated.n) === 0) {
      const t = Date.now();
      await seedEvaluations(admin);
      const [[counts]] = (await admin.query(
        'SELECT (SELECT COUNT(*) FROM evaluations) AS e, (SELECT COUNT(*) FROM follow_ups) AS f',
      )) as unknown as [{ e: string; f: string }[]];
      say(`seeded ${counts.e} evaluations and ${counts.f} follow-ups in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }

    const [[range]] = (await admin.query(
      'SELECT MIN(ended_day) AS lo, MAX(ended_day) AS hi FROM report_requests',
    )) as unknown as [{ lo: Date; hi: Date }[]];
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const hi = day(range.hi);
    const year = { from: day(new Date(range.hi.getTime() - 364 * DAY)), to: hi };
    const month = {
      from: day(new Date(range.hi.getTime() - 60 * DAY)),
      to: day(new Date(range.hi.getTime() - 31 * DAY)),
    };
    const oneDay = { from: month.to, to: month.to };
    const manager = (
      await api(base, null, 'POST', '/auth/login', { username: 'demo.manager', password: DEMO_PASSWORD })
    ).accessToken as string;

    const time = async (path: string) => {
      const ms: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await api(base, manager, 'GET', path);
        ms.push(performance.now() - t);
      }
      return median(ms);
    };
    say('');
    say(`report timings, median of ${RUNS} calls through the api (goal < 500 ms):`);
    const results: [string, string, number][] = [];
    for (const [label, p] of [
      ['year', year],
      ['month', month],
      ['day', oneDay],
    ] as const) {
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
    for (const [name, label, ms] of results)
      say(
        `  ${name.padEnd(28)} ${label.padEnd(6)} ${ms.toFixed(1).padStart(8)} ms${ms >= 500 ? '  (over the goal)' : ''}`,
      );
    const over = results.filter(([, , ms]) => ms >= 500).length;
    say(`${results.length - over} of ${results.length} under 500 ms`);

    say('');
    say('checking the figures against a slow full scan of the requests’ own rows…');
    let mismatches = 0;
    for (const [label, p] of [
      ['year', year],
      ['month', month],
      ['day', oneDay],
    ] as const) {
      for (const groupBy of ['item', 'department', 'approver'] as const) {
        const t = performance.now();
        const slow = await slowTurnaround(admin, groupBy, p.from, p.to);
        const slowMs = performance.now() - t;
        const fast = (
          await api(base, manager, 'GET', `/reports/turnaround?from=${p.from}&to=${p.to}&groupBy=${groupBy}`)
        ).rows as { key: string }[];
        const same = JSON.stringify([...fast].sort((a, b) => a.key.localeCompare(b.key))) === JSON.stringify(slow);
        if (!same) mismatches += 1;
        say(
          `  turnaround by ${groupBy.padEnd(10)} ${label.padEnd(6)} ${same ? 'identical' : 'DIFFERENT'} (slow scan ${slowMs.toFixed(0)} ms, ${slow.reduce((n, r) => n + r.completed, 0)} rows)`,
        );
      }
    }
    say(
      mismatches === 0
        ? 'every checked figure is identical to the slow scan'
        : `${mismatches} reports differ from the slow scan`,
    );
    if (mismatches > 0) process.exitCode = 1;
  } finally {
    apiProcess.kill('SIGTERM');
    await exited(apiProcess);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
