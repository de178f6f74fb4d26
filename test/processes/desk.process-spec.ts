import { verifyAuditTrail } from '#audit';
import { loadConfig } from '#config';
import { buildDataSourceOptions } from '#database';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { buildWorld, type Limit, material, randomUscc } from '../fixtures/world.js';
import { eventually, unique } from '../helpers.js';
import { TEST_ENV } from '../test-env.js';
import {
  alive,
  type Answer,
  type Api,
  call,
  CONNECTION_ERRORS,
  ConnectionError,
  outputs,
  patientCall,
  type Receiver,
  receiver,
  run,
  type Running,
  seconds,
  setup,
  startApi,
  ready,
  stopAll,
  waitedOut,
} from './processes.js';

/**
 * The built apps as an operator runs them: `setup` once, then two apis and two workers, each its
 * own OS process, on one MySQL and one Redis. The load goes through both apis at once; the
 * database and the apis then show nothing lost and nothing doubled, also after one api and one
 * worker are killed (SIGKILL) in the middle of it.
 */

const LONG = 180_000;

const QUEUE_PREFIX = `{test-procs-${process.pid}}`;
const ENV: NodeJS.ProcessEnv = { QUEUE_PREFIX };

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
  let hooks: Receiver;
  let apiA: Api;
  let apiB: Api;
  let workerA: Running;
  let workerB: Running;
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
    const res = await patientCall(base, 'POST', path, token, body, key);
    if (res.status >= 300) throw new Error(`${path} on ${base}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  const query = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)) as T[];

  beforeAll(async () => {
    const started = Date.now();
    setup(ENV);
    const options = buildDataSourceOptions(loadConfig({ ...process.env, ...TEST_ENV }));
    // A few connections: the shared server's are counted (two apis and two workers hold theirs too).
    db = new DataSource({ ...options, extra: { ...options.extra, connectionLimit: 4 } } as typeof options);
    await db.initialize();
    [{ last: outboxStart }] = (
      await query<{ last: number | string }>('SELECT COALESCE(MAX(id), 0) AS last FROM outbox_events')
    ).map((r) => ({ last: Number(r.last) }));
    hooks = await receiver();

    [apiA, apiB] = await Promise.all([startApi('api A', ENV), startApi('api B', ENV)]);
    workerA = run('worker', 'worker A', ENV);
    workerB = run('worker', 'worker B', ENV);
    for (const api of [apiA, apiB]) await ready(api);
    const up = seconds(started);

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
    console.log(`processes: setup, two apis and two workers up in ${up}, the world made by ${seconds(started)}`);
  }, LONG);

  afterAll(async () => {
    if (waitedOut.count > 0) console.log(`processes: ${waitedOut.count} answers 503 waited out and sent again`);
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
    const started = Date.now();
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
          patientCall(
            (r + s) % 2 ? apiB.url : apiA.url,
            'POST',
            `/requests/${id}/steps/${step}/approve`,
            tokens.approver,
            {},
          ),
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
    console.log(
      `parallel approvals: ${N} requests, ${answers.length} approvals (200), ${completions} completions (${seconds(started)})`,
    );
  }, 400_000);

  it('the same Idempotency-Key sent to both apis at once makes one request', async () => {
    const started = Date.now();
    const K = 6;
    const pairs = await Promise.all(
      Array.from({ length: K }, async (_, i) => {
        const key = `proc-${u}-${i}`;
        return Promise.all(
          [apiA.url, apiB.url].map((base) =>
            patientCall(base, 'POST', '/requests', tokens.idemApplicant, submission(), key),
          ),
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
    console.log(`idempotency: ${K} keys sent to both apis, ${Number(n)} requests made (${seconds(started)})`);
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
    const started = Date.now();
    const { ended, told } = await drained(made);
    const [{ published }] = await query<{ published: number | string }>(
      'SELECT COUNT(*) AS published FROM outbox_events WHERE id > ?',
      [outboxStart],
    );
    expect(ended).toBeGreaterThan(0);
    console.log(
      `outbox: ${Number(published)} events published, ${told} applicant notifications (one each), ${ended} report facts for ${ended} ended requests (${seconds(started)})`,
    );
  }, 400_000);

  it('SLA timers firing under both workers record each threshold of each clock once', async () => {
    const started = Date.now();
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
    console.log(
      `sla: ${fired.map((f) => `${f.action} ${Number(f.n)}`).join(', ')} (none twice for one clock; ${seconds(started)})`,
    );
  }, 400_000);

  /** The webhook jobs of these deliveries in Redis, with their state, attempts and stalls: a timeout's evidence. */
  async function jobsOf(deliveries: readonly string[]) {
    const redis = new Redis(TEST_ENV.REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      const base = `${QUEUE_PREFIX}:webhooks`;
      const states: Record<string, string[]> = {
        active: await redis.lrange(`${base}:active`, '0', '-1'),
        wait: await redis.lrange(`${base}:wait`, '0', '-1'),
        delayed: await redis.zrange(`${base}:delayed`, '0', '-1'),
        failed: await redis.zrange(`${base}:failed`, '0', '-1'),
        completed: await redis.zrange(`${base}:completed`, '0', '-1'),
      };
      const found: object[] = [];
      for (const id of deliveries) {
        for (const [state, ids] of Object.entries(states)) {
          for (const jobId of ids.filter((j) => j === `webhook-${id}` || j.startsWith(`webhook-${id}-`))) {
            const job = await redis.hgetall(`${base}:${jobId}`);
            found.push({ jobId, state, attemptsMade: job.atm, stalled: job.stc, failed: job.failedReason });
          }
        }
      }
      return found;
    } finally {
      redis.disconnect();
    }
  }

  /**
   * How many of this file's deliveries the sweep enqueued again (its jobs' ids say so); it also sends
   * what other files left pending in the shared database, which is not counted.
   */
  async function swept(): Promise<number> {
    const ours = new Set(
      (
        await query<{ id: string }>('SELECT id FROM webhook_deliveries WHERE subscription_id = ?', [subscriptionId])
      ).map((r) => String(r.id)),
    );
    const redis = new Redis(TEST_ENV.REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      const keys = await redis.keys(`${QUEUE_PREFIX}:webhooks:webhook-*-sweep*`);
      return new Set(keys.map((k) => /:webhook-(\d+)-sweep/.exec(k)?.[1]).filter((id) => id && ours.has(id))).size;
    } finally {
      redis.disconnect();
    }
  }

  /** How many jobs of this file's queues were taken over from a worker that stopped renewing their locks. */
  async function stalledJobs(): Promise<number> {
    const redis = new Redis(TEST_ENV.REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      let stalled = 0;
      for await (const keys of redis.scanStream({ match: `${QUEUE_PREFIX}:*`, count: 1000 })) {
        for (const key of keys as string[]) {
          if (
            /:(lock|logs|events|meta|id|marker|stalled-check|stalled|wait|active|delayed|completed|failed|prioritized|repeat)$/.test(
              key,
            )
          )
            continue;
          if ((await redis.type(key)) !== 'hash') continue;
          if (Number((await redis.hget(key, 'stc')) ?? 0) > 0) stalled++;
        }
      }
      return stalled;
    } finally {
      redis.disconnect();
    }
  }

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
      const open = await query<{ id: string }>(
        `SELECT id, event_id, request_id, status, attempts, sending_until, last_error FROM webhook_deliveries
          WHERE subscription_id = ? AND status <> 'delivered'`,
        [subscriptionId],
      );
      throw new Error(
        `${error.message}: ${wanted.length} events, undelivered ${JSON.stringify(open)}; ` +
          `their jobs ${JSON.stringify(await jobsOf(open.map((d) => String(d.id))))}\n${outputs()}`,
      );
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
    const started = Date.now();
    const { deliveries, received, requests } = await deliveredOnce(made);
    expect(received).toBe(deliveries);
    console.log(
      `webhooks: ${deliveries} deliveries for ${requests} requests, ${received} distinct events received (${seconds(started)})`,
    );
  }, 400_000);

  it('kill -9 of one worker and one api mid-load: their clients see connection errors only, the survivors finish every job', async () => {
    const started = Date.now();
    const CLIENTS = 5;
    const MOST = 10;
    const broken: string[] = [];
    const fives: Answer[] = [];
    let successes = 0;
    /** One request's calls by one client, all to api B, each with its own key: which ones answered 2xx. */
    interface Flow {
      id?: string;
      done: string[];
      keys: Record<string, string>;
    }
    const flows: Flow[] = [];
    const NAMES = ['submit', 'accept', ...STEPS];
    /** One of a client's calls, with its own Idempotency-Key, to `base`. */
    const send = (base: string, name: string, flow: Flow): Promise<Answer> => {
      if (name === 'submit')
        return patientCall(base, 'POST', '/requests', tokens.applicant, submission(), flow.keys.submit);
      if (name === 'accept')
        return patientCall(base, 'POST', `/requests/${flow.id}/accept`, tokens.clerk, {}, flow.keys.accept);
      return patientCall(
        base,
        'POST',
        `/requests/${flow.id}/steps/${name}/approve`,
        tokens.approver,
        {},
        flow.keys[name],
      );
    };
    // Each client makes requests one after the other through api B until its connection breaks (or it made MOST).
    let loading = true;
    const clients = Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < MOST; i++) {
          const flow: Flow = {
            done: [],
            keys: Object.fromEntries(NAMES.map((k) => [k, `kill-${u}-${c}-${i}-${k}`])),
          };
          flows.push(flow);
          for (const name of NAMES) {
            let answer: Answer;
            try {
              answer = await send(apiB.url, name, flow);
            } catch (error) {
              if (!(error instanceof ConnectionError)) throw error;
              broken.push(error.code);
              return;
            }
            if (answer.status >= 500) fives.push(answer);
            expect(answer.status).toBeLessThan(300);
            if (name === 'submit') flow.id = String(answer.body.id);
            flow.done.push(name);
            successes++;
          }
        }
      }),
    ).finally(() => {
      loading = false;
    });
    // Killed mid-load, once webhook deliveries are in flight (their jobs active on either worker). The
    // receiver holds its answers only from just before the kill: each held attempt times out and is
    // retried with a doubling backoff, so a long hold would leave retries minutes away.
    await eventually(async () => !loading || successes >= 10, 'load', 120_000);
    hooks.hold();
    const holding = Date.now();
    await eventually(
      async () => !loading || hooks.state.held.length >= 4 || Date.now() - holding > 15_000,
      'deliveries in flight',
      60_000,
    );
    const heldAtKill = hooks.state.held.length;
    const heldFor = seconds(holding);
    const killedAt = Date.now();
    const workerGone = new Promise((resolve) => workerB.child.once('exit', resolve));
    process.kill(apiB.running.child.pid!, 'SIGKILL');
    process.kill(workerB.child.pid!, 'SIGKILL');
    await workerGone;
    hooks.release();
    await clients;
    expect(fives).toEqual([]);
    expect(broken.length).toBeGreaterThan(0);
    for (const code of broken) expect(CONNECTION_ERRORS).toContain(code);

    // What a client saw succeed is all there; what broke on the way is there whole or not at all.
    for (const flow of flows.filter((f) => f.id)) {
      const { body } = await call(apiA.url, 'GET', `/requests/${flow.id}`, tokens.admin);
      const list = await actions(flow.id!);
      expect(count(list, 'request.submitted')).toBe(1);
      const accepted = count(list, 'request.accepted');
      if (flow.done.includes('accept')) expect(accepted).toBe(1);
      const [{ clocks }] = await query<{ clocks: number | string }>(
        "SELECT COUNT(*) AS clocks FROM sla_clocks WHERE request_id = ? AND kind = 'step'",
        [flow.id],
      );
      expect({ accepted, activated: count(list, 'step.activated'), clocks: Number(clocks) }).toEqual(
        accepted
          ? { accepted: 1, activated: STEPS.length, clocks: STEPS.length }
          : { accepted: 0, activated: 0, clocks: 0 },
      );
      const steps = body.steps as { key: string; status: string }[];
      for (const step of STEPS) {
        if (flow.done.includes(step)) expect(steps.find((s) => s.key === step)?.status).toBe('approved');
      }
      expect(steps.filter((s) => s.status === 'approved')).toHaveLength(count(list, 'step.approved'));
    }

    // The clients retry what broke on api A with the same keys: each call happens once.
    await Promise.all(
      flows.map(async (flow) => {
        for (const name of NAMES) {
          if (flow.done.includes(name)) continue;
          const answer = await send(apiA.url, name, flow);
          expect(answer.status).toBeLessThan(300);
          if (name === 'submit') flow.id = String(answer.body.id);
          flow.done.push(name);
        }
      }),
    );
    const requests = flows.map((f) => f.id!);
    made.push(...requests);
    for (const id of requests) {
      const list = await actions(id);
      expect(count(list, 'request.submitted')).toBe(1);
      expect(count(list, 'request.accepted')).toBe(1);
      expect(count(list, 'step.approved')).toBe(STEPS.length);
      expect(count(list, 'request.completed')).toBe(1);
    }

    // Worker A alone finishes every job, worker B's stalled ones too.
    const { ended, told } = await drained(made);
    const { deliveries } = await deliveredOnce(made);
    const finished = seconds(killedAt);
    const audit = await verifyAuditTrail(db, { subjectType: 'request' });
    expect(audit.problems).toEqual([]);
    expect(alive(apiA.running) && alive(workerA)).toBe(true);
    const codes = [...new Set(broken)].join(', ');
    console.log(
      `kill -9: ${successes} calls answered by api B, then ${broken.length} connection errors (${codes}), no 5xx; ` +
        `${heldAtKill} webhook deliveries in flight at the kill (held ${heldFor}), ${hooks.state.cut} cut by it; ` +
        `${finished} after the kill: ${ended} report facts, ${told} notifications, ${deliveries} webhook deliveries ` +
        `(${await swept()} enqueued again by the sweep), ${await stalledJobs()} stalled jobs taken over, ` +
        `${audit.chains} intact audit chains (${seconds(started)})`,
    );
  }, 400_000);
});
