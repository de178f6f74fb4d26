import { loadConfig } from '#config';
import { buildDataSourceOptions } from '#database';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { buildWorld, type Limit, material, randomUscc } from '../fixtures/world.js';
import { eventually, unique } from '../helpers.js';
import { TEST_ENV } from '../test-env.js';
import { type PrivateMariaDb, type PrivateRedis, privateMariaDb, privateRedis } from './engines.js';
import { type Flow, NAMES, restartChecks, STEPS } from './restart-checks.js';
import {
  alive,
  type Answer,
  type Api,
  call,
  ConnectionError,
  outputs,
  type Receiver,
  receiver,
  ready,
  run,
  type Running,
  seconds,
  setup,
  startApi,
  stopAll,
} from './processes.js';

/**
 * An api and a worker, each its own OS process, on a MariaDB and a Redis of this suite's own (the
 * shared servers are never stopped), while clients keep making requests: MySQL is stopped for a few
 * seconds and started again on the same data, then Redis is killed and started again empty. The
 * api answers 503 while MySQL is away and serves again without a restart of its own; nothing is
 * half written; the outbox, the timers and the webhook deliveries catch up, Redis's loss included.
 */

const LONG = 180_000;
const QUEUE_PREFIX = `{test-restarts-${process.pid}}`;
const DATABASE = 'one_thing';

const u = unique().toUpperCase();
const DEPT = `R-D-${u}`;
const HALL = `R-H-${u}`;
const ITEM = `R-ITEM-${u}`;
const company = randomUscc();
// Limits of hours on the `always` calendar: no clock reaches a threshold while the suite runs, so
// every running clock needs its timer (the warning's) for the whole of it.
const minutes = (value: number): Limit => ({ value, unit: 'workingMinutes' });
const DB_DOWN_MESSAGE = 'the database is unavailable; try again in a moment';

describe('restarts mid-load (an api and a worker on a MariaDB and a Redis of their own)', () => {
  let mariadb: PrivateMariaDb;
  let redis: PrivateRedis;
  let env: NodeJS.ProcessEnv;
  let db: DataSource;
  let api: Api;
  let worker: Running;
  let hooks: Receiver;
  let tokens: Record<string, string> = {};
  let subscriptionId = '';
  const flows: Flow[] = [];

  const query = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)) as T[];
  const { eachCallOnce, noneHalfWritten, outboxDrained, everyClockTimed, everyDelivery, swept } = restartChecks({
    query,
    flows,
    redisUrl: () => redis.url,
    prefix: QUEUE_PREFIX,
    subscriptionId: () => subscriptionId,
  });
  const submission = () => ({ itemCode: ITEM, form: {}, materials: [{ code: 'FORM', reference: '申请书.pdf' }] });

  beforeAll(async () => {
    const started = Date.now();
    [mariadb, redis] = await Promise.all([privateMariaDb('restarts'), privateRedis('restarts')]);
    await Promise.all([mariadb.start(), redis.start()]);
    const engines = seconds(started);
    env = { DATABASE_URL: mariadb.url(DATABASE), REDIS_URL: redis.url, QUEUE_PREFIX };
    setup(env);
    const options = buildDataSourceOptions(loadConfig({ ...process.env, ...TEST_ENV, ...env }));
    db = new DataSource({ ...options, extra: { ...options.extra, connectionLimit: 4 } } as typeof options);
    await db.initialize();
    hooks = await receiver();
    api = await startApi('api', env);
    worker = run('worker', 'worker', env);
    await ready(api);
    ({ tokens } = await buildWorld(api.url, {
      departments: [{ code: DEPT, name: '重启测试部门' }],
      halls: [{ code: HALL, name: '重启测试大厅', level: 'centre' }],
      matters: STEPS.map((step) => ({
        code: `R-M-${step.toUpperCase()}-${u}`,
        name: `重启测试事项 ${step}`,
        departmentCode: DEPT,
        promisedLimit: minutes(600),
        legalLimit: null,
        materials: [material('FORM', '申请书')],
        output: { kind: `R-KIND-${step.toUpperCase()}-${u}`, name: `重启测试批文 ${step}` },
      })),
      items: [
        {
          code: ITEM,
          name: '重启测试一件事',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: minutes(1200),
          steps: STEPS.map((key) => ({ key, matterCode: `R-M-${key.toUpperCase()}-${u}` })),
        },
      ],
      companies: [{ uscc: company, name: '重启测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        clerk: { role: 'clerk', hallCode: HALL },
        approver: { role: 'approver', departmentCode: DEPT },
      },
      username: (key) => `restart-${key}-${u}`.toLowerCase(),
    }));
    const subscribed = await call(api.url, 'POST', '/webhook-subscriptions', tokens.admin, {
      url: hooks.url,
      events: ['request.*', 'step.*'],
      departmentCode: DEPT,
    });
    expect(subscribed.status).toBe(201);
    subscriptionId = String(subscribed.body.id);
    console.log(
      `restarts: a private MariaDB (port ${mariadb.port}) and Redis (port ${redis.port}) up in ${engines}; ` +
        `setup, an api and a worker, the world by ${seconds(started)}`,
    );
  }, LONG);

  afterAll(async () => {
    await stopAll();
    await hooks?.close();
    if (db?.isInitialized) await db.destroy();
    await mariadb?.remove();
    await redis?.remove();
  }, 90_000);

  /**
   * Clients making requests one after the other, each call with its own Idempotency-Key, until
   * `stop()`: then each finishes the flow it is in. A 503 is waited out and the same call sent
   * again with the same key, as a client does; any other answer but a 2xx fails the suite.
   * Every third flow stops after its submission (its intake clock runs on), every third after its
   * acceptance (its step clocks run on), the others are approved to completion.
   */
  function load(name: string, clients = 3) {
    const state = { ok: 0, unavailable: [] as Answer[], wrong: [] as string[], stopping: false };
    const send = (flow: Flow, step: string): Promise<Answer> => {
      if (step === 'submit')
        return call(api.url, 'POST', '/requests', tokens.applicant, submission(), flow.keys.submit);
      if (step === 'accept')
        return call(api.url, 'POST', `/requests/${flow.id}/accept`, tokens.clerk, {}, flow.keys.accept);
      return call(api.url, 'POST', `/requests/${flow.id}/steps/${step}/approve`, tokens.approver, {}, flow.keys[step]);
    };
    const done = Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let i = 0; !state.stopping; i++) {
          const flow: Flow = {
            done: [],
            keys: Object.fromEntries(NAMES.map((k) => [k, `${name}-${u}-${c}-${i}-${k}`])),
            upTo: [1, 2, NAMES.length][i % 3],
          };
          flows.push(flow);
          for (const step of NAMES.slice(0, flow.upTo)) {
            for (;;) {
              let answer: Answer;
              try {
                answer = await send(flow, step);
              } catch (error) {
                // The api process stays up throughout: a broken connection is wrong here.
                state.wrong.push(error instanceof ConnectionError ? error.code : String(error));
                return;
              }
              if (answer.status === 503) {
                state.unavailable.push(answer);
                await new Promise((r) => setTimeout(r, 250));
                continue;
              }
              if (answer.status >= 300) {
                state.wrong.push(`${step} ${answer.status} ${JSON.stringify(answer.body)}`);
                return;
              }
              if (step === 'submit') flow.id = String(answer.body.id);
              flow.done.push(step);
              state.ok++;
              break;
            }
          }
        }
      }),
    );
    return {
      state,
      async stop() {
        state.stopping = true;
        await done;
        if (state.wrong.length > 0) throw new Error(`unexpected answers: ${state.wrong.join('; ')}\n${outputs()}`);
      },
    };
  }

  const until = (check: () => boolean, what: string, timeoutMs = 60_000) =>
    eventually(async () => check(), what, timeoutMs);

  it('MySQL stopped mid-load: the api answers 503 while it is away, serves again without a restart, and nothing is half written; the outbox and the timers catch up', async () => {
    const started = Date.now();
    const pids = [api.running.child.pid, worker.child.pid];
    const traffic = load('mysql');
    await until(() => traffic.state.ok >= 15, 'calls answered before the stop');
    const before = traffic.state.ok;

    const stopping = Date.now();
    await mariadb.stop();
    const stopped = Date.now();
    // Away for a few seconds, while the clients keep calling: the api says so, and why.
    await until(() => traffic.state.unavailable.length >= 5, '503s while MySQL is away', 30_000);
    const health = await call(api.url, 'GET', '/health', null);
    expect({ status: health.status, message: health.body.message }).toEqual({ status: 503, message: 'mysql is down' });
    const answered = await call(api.url, 'GET', '/requests', tokens.applicant);
    expect({ status: answered.status, message: answered.body.message }).toEqual({
      status: 503,
      message: DB_DOWN_MESSAGE,
    });
    expect(answered.headers.get('retry-after')).toBe('5');
    await new Promise((r) => setTimeout(r, Math.max(0, 4000 - (Date.now() - stopped))));
    const whileDown = traffic.state.ok;

    await mariadb.start();
    const back = Date.now();
    // The same api process serves again: its pool connects anew by itself.
    await until(() => traffic.state.ok >= whileDown + 15, 'calls answered after the start', 90_000);
    const recovered = seconds(back);
    await traffic.stop();
    expect([api.running.child.pid, worker.child.pid]).toEqual(pids);
    expect(alive(api.running) && alive(worker)).toBe(true);
    expect((await call(api.url, 'GET', '/health', null)).status).toBe(200);

    const messages = [...new Set(traffic.state.unavailable.map((a) => String(a.body.message)))];
    expect(messages).toContain(DB_DOWN_MESSAGE);
    // The lock conflict's 503 may come too, never a 500.
    for (const message of messages) {
      expect([DB_DOWN_MESSAGE, 'the service is busy with this record; try again in a moment']).toContain(message);
    }
    await eachCallOnce();
    const requests = await noneHalfWritten();
    await outboxDrained();
    const drained = seconds(back);
    const { clocks, timers } = await everyClockTimed();
    console.log(
      `mysql restart: ${before} calls answered, MySQL stopped (${((stopped - stopping) / 1000).toFixed(1)} s to stop), ` +
        `away ${((back - stopped) / 1000).toFixed(1)} s: ${traffic.state.unavailable.length} answers 503 "${DB_DOWN_MESSAGE}", ` +
        `${whileDown - before} calls answered meanwhile, none 500; the same api served 15 calls ${recovered} after the start, ` +
        `${traffic.state.ok} calls in all; ${requests} requests, none half written; outbox drained ${drained} after the start, ` +
        `${clocks} running clocks all with their timer (${timers} timers) (${seconds(started)})`,
    );
  }, 400_000);

  it('Redis killed and started again empty mid-load: the api and the worker go on, the schedules come back and reconciliation sets every timer again; the sweep sends the deliveries whose jobs were lost', async () => {
    const started = Date.now();
    const pids = [api.running.child.pid, worker.child.pid];
    const { clocks: clocksBefore } = await everyClockTimed();
    const traffic = load('redis');
    await until(() => traffic.state.ok >= 15, 'calls answered before the kill');
    const before = traffic.state.ok;

    await redis.kill();
    const killed = Date.now();
    await new Promise((r) => setTimeout(r, 1500));
    await redis.start();
    const back = Date.now();
    const client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
    const timersAtStart = await client.zcard(`${QUEUE_PREFIX}:sla:delayed`);
    client.disconnect();
    await until(() => traffic.state.ok >= before + 15, 'calls answered after the restart', 90_000);
    const served = seconds(back);
    await traffic.stop();
    expect([api.running.child.pid, worker.child.pid]).toEqual(pids);
    expect(alive(api.running) && alive(worker)).toBe(true);
    // The worker saw its schedules gone and put them back (its warning says so).
    await until(
      () => /job schedulers are gone from Redis/.test(worker.output()),
      'the worker to put its schedules back',
    );

    await eachCallOnce();
    const requests = await noneHalfWritten();
    await outboxDrained();
    const drained = seconds(back);
    // The timers were all lost with Redis's data: reconciliation set every one again from MySQL.
    const { clocks, timers } = await everyClockTimed();
    const timed = seconds(back);
    expect(clocks).toBeGreaterThan(clocksBefore);
    const deliveries = await everyDelivery();
    console.log(
      `redis restart: ${before} calls answered, Redis killed, empty again ${((back - killed) / 1000).toFixed(1)} s later ` +
        `(${timersAtStart} timers then); the worker put its schedules back; ` +
        `${traffic.state.unavailable.length} answers 503, none 500; 15 calls served ${served} after; ` +
        `${requests} requests, none half written; outbox drained ${drained} after; ${clocks} running clocks ` +
        `(${clocksBefore} before the kill) all with their timer ${timed} after (${timers} timers); ` +
        `${deliveries} webhook deliveries all delivered, ${await swept()} of them enqueued again by the sweep ` +
        `(${seconds(started)})`,
    );
  }, 400_000);
});
