import { loadConfig } from '#config';
import { buildDataSourceOptions } from '#database';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { buildWorld, type Limit, material, randomUscc } from '../fixtures/world.js';
import { eventually, unique } from '../helpers.js';
import { TEST_ENV } from '../test-env.js';

/**
 * The built apps as an operator runs them: `setup` once, then two apis and two workers, each its
 * own OS process, on one MySQL and one Redis. The load goes through both apis at once; the
 * database and the apis then show nothing lost and nothing doubled.
 */

const LONG = 180_000;

const entry = (app: 'api' | 'worker' | 'cli') => {
  const file = fileURLToPath(new URL(`../../dist/apps/${app}/src/main.js`, import.meta.url));
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return file;
};

const QUEUE_PREFIX = `{test-procs-${process.pid}}`;
const childEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...TEST_ENV,
    QUEUE_PREFIX,
    LOG_LEVEL: 'warn',
    // Quick webhook retries, as in test/webhooks.e2e-spec.ts: a delivery a killed worker held is retried in seconds.
    WEBHOOK_RETRY_BASE_MS: '500',
    WEBHOOK_TIMEOUT_MS: '3000',
  };
  delete env.NODE_OPTIONS;
  return env;
};

interface Running {
  name: string;
  child: ChildProcess;
  output: () => string;
}
const children: Running[] = [];

function run(app: 'api' | 'worker', name: string, env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [entry(app)], {
    env: { ...childEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const read = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const running = { name, child, output: () => output };
  children.push(running);
  return running;
}

/** An api on a free port: its base URL once it says it listens. */
async function startApi(name: string): Promise<{ running: Running; url: string }> {
  const running = run('api', name, { PORT: '0' });
  const url = await eventually(
    async () => {
      if (running.child.exitCode !== null) throw new Error(`${name} exited: ${running.output()}`);
      return /api listening on (http:\/\/\S+)/.exec(running.output())?.[1];
    },
    `${name} to listen`,
    60_000,
  );
  return { running, url: url.replace('0.0.0.0', '127.0.0.1') };
}

const alive = (r: Running) => r.child.exitCode === null && r.child.signalCode === null;

async function stopAll(): Promise<void> {
  await Promise.all(
    children.filter(alive).map(
      (r) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => r.child.kill('SIGKILL'), 15_000);
          r.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          r.child.kill('SIGTERM');
        }),
    ),
  );
}

// ---- HTTP as a client of a process sees it ----

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** A connection that broke or was refused: what a client of a killed process may see. */
const CONNECTION_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
class ConnectionError extends Error {
  constructor(readonly code: string) {
    super(`connection error ${code}`);
  }
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  token: string | null,
  body?: object,
  key?: string,
): Promise<Answer> {
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  if (key) headers['idempotency-key'] = key;
  let res: Response;
  try {
    res = await fetch(`${base}/api/v1${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code && CONNECTION_ERRORS.has(cause.code)) throw new ConnectionError(cause.code);
    throw error;
  }
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new ConnectionError(cause?.code ?? 'UND_ERR_SOCKET');
  }
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

// ---- the webhooks' receiver ----

interface Hit {
  headers: IncomingHttpHeaders;
  body: { type: string; data: { requestId: string } };
}

async function receiver() {
  const hits: Hit[] = [];
  /** While holding, answers wait: the deliveries stay in flight, their jobs active. */
  const state = { holding: false, held: [] as ServerResponse[], cut: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Hit['body'] });
      if (!state.holding) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      state.held.push(res);
      // A sender that dies with its answer pending leaves its delivery to the other worker.
      res.on('close', () => {
        if (!res.writableEnded) state.cut++;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    hits,
    state,
    hold: () => {
      state.holding = true;
    },
    /** Answers what is held (what a dead sender left is gone) and stops holding. */
    release: () => {
      state.holding = false;
      for (const res of state.held.splice(0)) {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---- the world ----

const u = unique().toUpperCase();
const DEPT = `P-D-${u}`;
const HALL = `P-H-${u}`;
const ITEM = `P-ITEM-${u}`;
const STEPS = ['a', 'b', 'c'] as const;
const company = randomUscc();
const idemCompany = randomUscc();
const minutes = (value: number): Limit => ({ value, unit: 'workingMinutes' });
const ENDED = ['completed', 'denied', 'withdrawn', 'refused'];

describe('the desk as separate processes (two apis, two workers)', () => {
  let db: DataSource;
  let hooks: Awaited<ReturnType<typeof receiver>>;
  let apiA: { running: Running; url: string };
  let apiB: { running: Running; url: string };
  let tokens: Record<string, string> = {};
  let ids: Record<string, string> = {};
  let outboxStart = 0;
  let subscriptionId = '';
  /** Requests left open on their step clocks from the start, for the SLA timers to fire on. */
  const waiting: string[] = [];
  /** Every request this file made and knows the id of. */
  const made: string[] = [];

  const submission = () => ({ itemCode: ITEM, form: {}, materials: [{ code: 'FORM', reference: '申请书.pdf' }] });

  async function ok(base: string, path: string, token: string, body: object = {}, key?: string): Promise<Answer> {
    const res = await call(base, 'POST', path, token, body, key);
    if (res.status >= 300) throw new Error(`${path} on ${base}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  const query = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)) as T[];

  beforeAll(async () => {
    const setup = spawnSync(process.execPath, [entry('cli'), 'setup'], {
      env: childEnv(),
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (setup.status !== 0) throw new Error(`setup failed (${setup.status}): ${setup.stdout}${setup.stderr}`);

    db = new DataSource(buildDataSourceOptions(loadConfig({ ...process.env, ...TEST_ENV })));
    await db.initialize();
    [{ last: outboxStart }] = (
      await query<{ last: number | string }>('SELECT COALESCE(MAX(id), 0) AS last FROM outbox_events')
    ).map((r) => ({ last: Number(r.last) }));
    hooks = await receiver();

    [apiA, apiB] = await Promise.all([startApi('api A'), startApi('api B')]);
    run('worker', 'worker A');
    run('worker', 'worker B');
    for (const { url } of [apiA, apiB]) {
      await eventually(async () => (await fetch(`${url}/health`).catch(() => null))?.ok, `${url}/health`, 60_000);
      await eventually(
        async () => (await fetch(`${url}/health/ready`).catch(() => null))?.ok,
        `${url}/health/ready (a worker's heartbeat)`,
        60_000,
      );
    }

    ({ tokens, ids } = await buildWorld(apiA.url, {
      departments: [{ code: DEPT, name: '多进程测试部门' }],
      halls: [{ code: HALL, name: '多进程测试大厅', level: 'centre' }],
      matters: STEPS.map((step) => ({
        code: `P-M-${step.toUpperCase()}-${u}`,
        name: `多进程测试事项 ${step}`,
        departmentCode: DEPT,
        // A minute, on the `always` calendar: the step clocks warn and run over while the test runs.
        promisedLimit: minutes(1),
        legalLimit: null,
        materials: [material('FORM', '申请书')],
        output: { kind: `P-KIND-${step.toUpperCase()}-${u}`, name: `多进程测试批文 ${step}` },
      })),
      items: [
        {
          code: ITEM,
          name: '多进程测试一件事',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: minutes(2),
          // No step depends on another: all three are active from the acceptance on.
          steps: STEPS.map((key) => ({ key, matterCode: `P-M-${key.toUpperCase()}-${u}` })),
        },
      ],
      companies: [
        { uscc: company, name: '多进程测试公司' },
        { uscc: idemCompany, name: '多进程幂等测试公司' },
      ],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        idemApplicant: { role: 'applicant', companyUscc: idemCompany },
        clerk: { role: 'clerk', hallCode: HALL },
        approver: { role: 'approver', departmentCode: DEPT },
      },
      username: (key) => `proc-${key}-${u}`.toLowerCase(),
    }));
    const subscribed = await ok(apiA.url, '/webhook-subscriptions', tokens.admin, {
      url: hooks.url,
      events: ['request.*', 'step.*'],
      departmentCode: DEPT,
    });
    subscriptionId = String(subscribed.body.id);

    // Accepted now and never approved: their step clocks warn and run over while the other cases run.
    for (let i = 0; i < 4; i++) {
      const base = i % 2 ? apiB.url : apiA.url;
      const { body } = await ok(base, '/requests', tokens.applicant, submission());
      await ok(base, `/requests/${String(body.id)}/accept`, tokens.clerk);
      waiting.push(String(body.id));
      made.push(String(body.id));
    }
  }, LONG);

  afterAll(async () => {
    if (db?.isInitialized && subscriptionId) {
      await db.query("UPDATE webhook_subscriptions SET active = 0, disabled_reason = 'test over' WHERE id = ?", [
        subscriptionId,
      ]);
    }
    await stopAll();
    await hooks?.close();
    if (db?.isInitialized) await db.destroy();
  }, 60_000);

  /** The request's audit actions, oldest first. */
  async function actions(id: string): Promise<string[]> {
    const rows = await query<{ action: string }>(
      "SELECT action FROM audit_events WHERE subject_type = 'request' AND subject_id = ? ORDER BY id",
      [id],
    );
    return rows.map((r) => r.action);
  }
  const count = (list: readonly string[], value: string) => list.filter((v) => v === value).length;

  it('parallel approvals racing on both apis complete each request exactly once', async () => {
    const N = 12;
    const requests: string[] = [];
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const base = i % 2 ? apiB.url : apiA.url;
        const { body } = await ok(base, '/requests', tokens.applicant, submission());
        await ok(base, `/requests/${String(body.id)}/accept`, tokens.clerk);
        requests.push(String(body.id));
      }),
    );
    made.push(...requests);
    // Each request's three steps approved at once, spread over the two apis.
    const answers = await Promise.all(
      requests.flatMap((id, r) =>
        STEPS.map((step, s) =>
          call((r + s) % 2 ? apiB.url : apiA.url, 'POST', `/requests/${id}/steps/${step}/approve`, tokens.approver, {}),
        ),
      ),
    );
    expect(answers.filter((a) => a.status >= 500)).toEqual([]);
    expect(answers.map((a) => a.status)).toEqual(Array(N * STEPS.length).fill(200));
    let completions = 0;
    for (const id of requests) {
      const { body } = await call(apiA.url, 'GET', `/requests/${id}`, tokens.admin);
      expect(body.status).toBe('completed');
      expect(body.outputs).toHaveLength(STEPS.length);
      const list = await actions(id);
      expect(count(list, 'request.completed')).toBe(1);
      expect(count(list, 'step.approved')).toBe(STEPS.length);
      completions += count(list, 'request.completed');
      expect(answers.filter((a) => a.body.id === id && a.body.status === 'completed')).toHaveLength(1);
    }
    console.log(`parallel approvals: ${N} requests, ${answers.length} approvals (200), ${completions} completions`);
  }, 400_000);

  it('the same Idempotency-Key sent to both apis at once makes one request', async () => {
    const K = 6;
    const pairs = await Promise.all(
      Array.from({ length: K }, async (_, i) => {
        const key = `proc-${u}-${i}`;
        return Promise.all(
          [apiA.url, apiB.url].map((base) => call(base, 'POST', '/requests', tokens.idemApplicant, submission(), key)),
        );
      }),
    );
    for (const pair of pairs) {
      expect(pair.map((a) => a.status)).toEqual([201, 201]);
      expect(pair[0].body.id).toBe(pair[1].body.id);
    }
    const [{ n }] = await query<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc = ?',
      [idemCompany],
    );
    expect(Number(n)).toBe(K);
    made.push(...pairs.map((pair) => String(pair[0].body.id)));
    console.log(`idempotency: ${K} keys sent to both apis, ${Number(n)} requests made`);
  }, 400_000);

  /** Each request's outbox events are published, its notifications and report fact made once. */
  async function drained(requests: readonly string[]) {
    const list = requests.map(Number);
    await eventually(
      async () => {
        const [{ n }] = await query<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM outbox_events WHERE id > ? AND published_at IS NULL',
          [outboxStart],
        );
        return Number(n) === 0;
      },
      'every outbox event published',
      LONG,
    );
    const ended = (
      await query<{ id: string }>(`SELECT id FROM service_requests WHERE id IN (?) AND status IN (?)`, [list, ENDED])
    ).map((r) => String(r.id));
    await eventually(
      async () => {
        const [{ n }] = await query<{ n: number | string }>(
          'SELECT COUNT(*) AS n FROM report_requests WHERE request_id IN (?)',
          [ended.length ? ended : [0]],
        );
        return Number(n) === ended.length;
      },
      'a report fact of every ended request',
      LONG,
    );
    const doubledFacts = await query(
      'SELECT request_id FROM report_requests WHERE request_id IN (?) GROUP BY request_id HAVING COUNT(*) > 1',
      [list],
    );
    expect(doubledFacts).toEqual([]);
    const doubledNotes = await query(
      'SELECT event_id, user_id FROM notifications WHERE event_id > ? GROUP BY event_id, user_id HAVING COUNT(*) > 1',
      [outboxStart],
    );
    expect(doubledNotes).toEqual([]);
    // The applicants hear of every submission and completion of theirs once.
    const told = await eventually(
      async () => {
        const rows = await query<{ id: string; notes: number | string }>(
          `SELECT o.id, COUNT(n.id) AS notes FROM outbox_events o
             LEFT JOIN notifications n ON n.event_id = o.id AND n.user_id IN (?)
           WHERE o.id > ? AND o.type IN ('request.submitted', 'request.completed')
             AND JSON_UNQUOTE(JSON_EXTRACT(o.payload, '$.requestId')) IN (?)
           GROUP BY o.id`,
          [[ids.applicant, ids.idemApplicant], outboxStart, requests],
        );
        return rows.every((r) => Number(r.notes) === 1) ? rows : undefined;
      },
      "the applicant's notifications",
      LONG,
    );
    return { ended: ended.length, told: told.length };
  }

  it('the outbox is relayed by both workers: every event published, one notification and one report fact each', async () => {
    const { ended, told } = await drained(made);
    const [{ published }] = await query<{ published: number | string }>(
      'SELECT COUNT(*) AS published FROM outbox_events WHERE id > ?',
      [outboxStart],
    );
    expect(ended).toBeGreaterThan(0);
    console.log(
      `outbox: ${Number(published)} events published, ${told} applicant notifications (one each), ${ended} report facts for ${ended} ended requests`,
    );
  }, 400_000);

  it('SLA timers firing under both workers record each threshold of each clock once', async () => {
    // The waiting requests' step clocks warn at 48 s and run over at one minute.
    await eventually(
      async () => {
        const [{ n }] = await query<{ n: number | string }>(
          `SELECT COUNT(*) AS n FROM audit_events WHERE subject_type = 'request' AND subject_id IN (?)
             AND action = 'sla.overdue' AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.clock')) = 'step'`,
          [waiting],
        );
        return Number(n) >= waiting.length * STEPS.length;
      },
      'every waiting step clock overdue',
      LONG,
    );
    const doubled = await query(
      `SELECT subject_id, action, JSON_UNQUOTE(JSON_EXTRACT(payload, '$.clock')) AS clock,
              JSON_UNQUOTE(JSON_EXTRACT(payload, '$.stepKey')) AS step_key, COUNT(*) AS n
         FROM audit_events WHERE subject_type = 'request' AND subject_id IN (?) AND action LIKE 'sla.%'
        GROUP BY subject_id, action, clock, step_key HAVING COUNT(*) > 1`,
      [made],
    );
    expect(doubled).toEqual([]);
    const fired = await query<{ action: string; n: number | string }>(
      `SELECT action, COUNT(*) AS n FROM audit_events WHERE subject_type = 'request' AND subject_id IN (?)
         AND action LIKE 'sla.%' GROUP BY action ORDER BY action`,
      [made],
    );
    for (const id of waiting) {
      const list = await actions(id);
      expect(count(list, 'sla.warning')).toBeGreaterThanOrEqual(STEPS.length);
    }
    console.log(`sla: ${fired.map((f) => `${f.action} ${Number(f.n)}`).join(', ')} (none twice for one clock)`);
  }, 400_000);

  /** The deliveries of the subscription: one per event, each delivered, each request's in order. */
  async function deliveredOnce(requests: readonly string[]) {
    const wanted = await query<{ id: string }>(
      `SELECT id FROM outbox_events WHERE id > ? AND (type LIKE 'request.%' OR type LIKE 'step.%')
         AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.requestId')) IN (?)`,
      [outboxStart, requests],
    );
    const rows = await eventually(
      async () => {
        const found = await query<{ event_id: string; request_id: string; status: string }>(
          'SELECT event_id, request_id, status FROM webhook_deliveries WHERE subscription_id = ? ORDER BY id',
          [subscriptionId],
        );
        return found.length >= wanted.length && found.every((d) => d.status === 'delivered') ? found : undefined;
      },
      'every webhook delivered',
      LONG,
    ).catch(async (error: Error) => {
      const open = await query(
        `SELECT id, event_id, request_id, status, attempts, sending_until, last_error FROM webhook_deliveries
          WHERE subscription_id = ? AND status <> 'delivered'`,
        [subscriptionId],
      );
      throw new Error(`${error.message}: ${wanted.length} events, undelivered ${JSON.stringify(open)}`);
    });
    expect(rows.map((r) => String(r.event_id)).sort()).toEqual(wanted.map((r) => String(r.id)).sort());
    const doubled = await query(
      'SELECT event_id FROM webhook_deliveries WHERE subscription_id = ? GROUP BY event_id HAVING COUNT(*) > 1',
      [subscriptionId],
    );
    expect(doubled).toEqual([]);
    // What the receiver got first of each event, request by request, is in the events' order.
    const seen = new Set<string>();
    const byRequest = new Map<string, number[]>();
    for (const hit of hooks.hits) {
      const messageId = String(hit.headers['webhook-id']);
      if (seen.has(messageId)) continue;
      seen.add(messageId);
      const eventId = Number(/^msg_(\d+)_/.exec(messageId)?.[1]);
      const list = byRequest.get(hit.body.data.requestId) ?? [];
      list.push(eventId);
      byRequest.set(hit.body.data.requestId, list);
    }
    for (const list of byRequest.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
    return { deliveries: rows.length, received: seen.size, requests: byRequest.size };
  }

  it('webhooks: one delivery per subscription and event, each delivered, each request’s in order', async () => {
    const { deliveries, received, requests } = await deliveredOnce(made);
    expect(received).toBe(deliveries);
    console.log(`webhooks: ${deliveries} deliveries for ${requests} requests, ${received} distinct events received`);
  }, 400_000);
});
