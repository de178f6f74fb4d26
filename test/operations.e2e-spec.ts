import { OutboxEvent } from '#database';
import { jest } from '@jest/globals';
import { type INestApplication, Logger } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createServer } from 'node:net';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import request from 'supertest';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { WorkerMetrics } from '../apps/worker/src/worker-metrics.js';
import { appWithWorld, apiOf, material, randomUscc, workingDays } from './fixtures/world.js';
import { eventually, unique } from './helpers.js';

const METRICS_TOKEN = `metrics-token-${unique()}`;
process.env.METRICS_TOKEN = METRICS_TOKEN;

/** A port no one listens on, for the worker's metrics. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

type Families = ReturnType<typeof parsePrometheusTextFormat>;
const family = (families: Families, name: string) => {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric ${name} in the scrape`);
  return found;
};

describe("the operator's view: /metrics, the worker's metrics, readiness, one id per action", () => {
  const u = unique().toUpperCase();
  const DEPT = `OPS-D-${u}`;
  const ITEM = `OPS-ITEM-${u}`;
  const company = randomUscc();
  let worker: TestingModule | undefined;
  const suite = appWithWorld(
    {
      departments: [{ code: DEPT, name: '运维测试部门' }],
      halls: [{ code: `OPS-H-${u}`, name: '运维测试大厅', level: 'centre' }],
      matters: [
        {
          code: `OPS-M-${u}`,
          name: '运维测试事项',
          departmentCode: DEPT,
          promisedLimit: workingDays(1),
          legalLimit: workingDays(15),
          materials: [material('FORM', '申请书')],
          output: { kind: `OPS-KIND-${u}`, name: '运维测试批文' },
        },
      ],
      items: [
        {
          code: ITEM,
          name: '运维测试一件事',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: workingDays(3),
          steps: [{ key: 'review', matterCode: `OPS-M-${u}` }],
        },
      ],
      companies: [{ uscc: company, name: '运维测试公司' }],
      users: { applicant: { role: 'applicant', companyUscc: company } },
      username: (key) => `ops-${key}-${u}`.toLowerCase(),
    },
    { beforeClose: async () => void (await worker?.close()) },
  );
  const { get, post } = apiOf(() => suite.app);
  const scrape = (app: INestApplication, token?: string) => {
    const req = request(app.getHttpServer()).get('/metrics');
    if (token) req.set('Authorization', `Bearer ${token}`);
    return req;
  };

  it('serves /metrics to the metrics token and to admins only, in the Prometheus text format', async () => {
    await scrape(suite.app).expect(401);
    await scrape(suite.app, 'not-the-token').expect(401);
    const refused = await scrape(suite.app, suite.tokens.applicant).expect(403);
    expect(refused.body.message).toMatch(/admin/);
    const res = await scrape(suite.app, METRICS_TOKEN).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    await scrape(suite.app, suite.tokens.admin).expect(200);
  });

  it('counts and times requests by route template and status, and reports the desk’s queues, outbox, clocks and pool', async () => {
    await get(`/items/${ITEM}`, suite.tokens.applicant).expect(200);
    await get('/requests/999999999', suite.tokens.applicant).expect(404);
    await post('/requests', suite.tokens.applicant, {
      itemCode: ITEM,
      form: {},
      materials: [{ code: 'FORM', reference: '申请书.pdf' }],
    }).expect(201);
    const text = (await scrape(suite.app, METRICS_TOKEN).expect(200)).text;
    const families = parsePrometheusTextFormat(text);

    const requests = family(families, 'desk_http_requests_total');
    expect(requests.type).toBe('COUNTER');
    const sample = (route: string, status: string) =>
      requests.metrics.find((m) => m.labels?.route === route && m.labels?.status === status);
    // The template, never the id: one series per route however many requests there are.
    expect(Number(sample('/api/v1/requests/:id', '404')?.value)).toBeGreaterThanOrEqual(1);
    expect(Number(sample('/api/v1/requests', '201')?.value)).toBeGreaterThanOrEqual(1);
    expect(requests.metrics.some((m) => m.labels?.route?.includes('999999999'))).toBe(false);
    const latency = family(families, 'desk_http_request_duration_seconds');
    expect(latency.type).toBe('HISTOGRAM');
    // The parser merges a labelled histogram's series into one, so its lines are read as written.
    const series = (suffix: string) =>
      new RegExp(
        `^desk_http_request_duration_seconds_${suffix}\\{[^}]*method="GET",route="/api/v1/items/:code",status="200"[^}]*\\} (\\d+)$`,
        'm',
      );
    expect(Number(series('count').exec(text)?.[1])).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^desk_http_request_duration_seconds_bucket\{le="0\.1",[^}]*route="\/api\/v1\/items\/:code"/m);

    const queues = family(families, 'desk_queue_jobs');
    expect(new Set(queues.metrics.map((m) => m.labels?.queue))).toEqual(
      new Set(['outbox', 'events', 'sla', 'webhooks']),
    );
    expect(queues.metrics.every((m) => Number(m.value) >= 0)).toBe(true);
    // Nothing relays in this test until a worker starts: the submission's events wait in the outbox.
    expect(Number(family(families, 'desk_outbox_pending').metrics[0].value)).toBeGreaterThanOrEqual(1);
    expect(Number(family(families, 'desk_outbox_lag_seconds').metrics[0].value)).toBeGreaterThan(0);
    const clocks = family(families, 'desk_sla_clocks_open');
    expect(clocks.metrics.map((m) => m.labels?.state).sort()).toEqual(['overdue', 'paused', 'running', 'warning']);
    // The submission's intake clock is running.
    expect(Number(clocks.metrics.find((m) => m.labels?.state === 'running')?.value)).toBeGreaterThanOrEqual(1);
    const pool = family(families, 'desk_db_pool_connections');
    expect(Number(pool.metrics.find((m) => m.labels?.state === 'limit')?.value)).toBeGreaterThan(0);
    expect(family(families, 'desk_sla_timers_pending').metrics).toHaveLength(1);
    // Node's own figures, labelled as the api's.
    const cpu = family(families, 'desk_process_cpu_user_seconds_total');
    expect(cpu.metrics[0].labels?.process).toBe('api');
  });

  it('is ready only once a worker beats; the worker serves its job durations and failures on its own port', async () => {
    // No worker runs yet under this file's queue prefix (each file has its own: test/setup-env.ts).
    const unready = await request(suite.app.getHttpServer()).get('/health/ready').expect(503);
    expect(unready.body.message).toMatch(/worker/);
    expect(unready.body.details).toMatchObject({
      mysql: { status: 'up' },
      redis: { status: 'up' },
      migrations: { status: 'up' },
      worker: { status: 'down' },
    });
    await request(suite.app.getHttpServer()).get('/health').expect(200);

    const port = await freePort();
    process.env.WORKER_METRICS_PORT = String(port);
    try {
      worker = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
      await worker.init();
    } finally {
      process.env.WORKER_METRICS_PORT = '0';
    }
    expect(worker.get(WorkerMetrics).address?.port).toBe(port);
    const ready = await request(suite.app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.details.worker).toEqual({ status: 'up', alive: expect.any(Number) });

    // The submission's events are relayed and handled now: the worker times its jobs (the relay's).
    const workerScrape = () => request(`http://127.0.0.1:${port}`).get('/metrics');
    await workerScrape().expect(401);
    await request(`http://127.0.0.1:${port}`).get('/other').expect(404);
    const submittedJobs =
      /^desk_job_duration_seconds_count\{process="worker",queue="outbox",name="outbox\.relay",outcome="completed"\} (\d+)$/m;
    const workerText = await eventually(
      async () => {
        const res = await workerScrape().set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
        return Number(submittedJobs.exec(res.text)?.[1] ?? 0) >= 1 ? res.text : undefined;
        // The worker's relay also takes what earlier files left in the outbox: on a loaded machine that takes a while.
      },
      'the worker timing an outbox.relay job',
      120_000,
    );
    const jobFamilies = parsePrometheusTextFormat(workerText);
    expect(family(jobFamilies, 'desk_job_duration_seconds').type).toBe('HISTOGRAM');
    expect(family(jobFamilies, 'desk_job_failures_total').type).toBe('COUNTER');
    expect(family(jobFamilies, 'desk_process_cpu_user_seconds_total').metrics[0].labels?.process).toBe('worker');
    const families = parsePrometheusTextFormat((await scrape(suite.app, METRICS_TOKEN).expect(200)).text);
    expect(Number(family(families, 'desk_workers_alive').metrics[0].value)).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('carries the request id from the api into the outbox row and the worker line that handled its events', async () => {
    const requestId = `trace-${unique()}`;
    const logged = jest.spyOn(Logger.prototype, 'log');
    try {
      const res = await post('/requests', suite.tokens.applicant, {
        itemCode: ITEM,
        form: {},
        materials: [{ code: 'FORM', reference: '申请书.pdf' }],
      })
        .set('X-Request-Id', requestId)
        .expect(201);
      expect(res.headers['x-request-id']).toBe(requestId);
      const rows = (await suite.db.getRepository(OutboxEvent).find({ order: { id: 'DESC' }, take: 50 })).filter(
        (r) => r.payload.requestId === String(res.body.id) || r.httpRequestId === requestId,
      );
      expect(rows.map((r) => r.type).sort()).toEqual(['request.submitted', 'sla.clock-changed']);
      expect(rows.every((r) => r.httpRequestId === requestId)).toBe(true);
      // The worker's relay handles both events in bulk (no job each): its line names the request id.
      const line = await eventually(
        async () =>
          logged.mock.calls
            .map(([message]) => message as { msg?: string; requestIds?: string[] })
            .find((message) => Array.isArray(message?.requestIds) && message.requestIds.includes(requestId)),
        'the relay line naming the request id',
      );
      expect(line.msg).toMatch(/^handled \d+ outbox events in bulk$/);
      const handled = await suite.db.getRepository(OutboxEvent).findBy({ httpRequestId: requestId });
      expect(handled.every((r) => r.publishedAt !== null)).toBe(true);
    } finally {
      logged.mockRestore();
    }
    // A malformed id from outside is replaced, never echoed.
    const replaced = await get(`/items/${ITEM}`, suite.tokens.applicant).set('X-Request-Id', 'bad id\twith spaces');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
