import { AuditEvent, OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription } from '#database';
import { OutboxRelay } from '#queue';
import { SWEEP_GRACE_MS, WebhookSweep } from '#webhooks';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { In, type DataSource } from 'typeorm';
import { OutboxProcessor } from '../apps/worker/src/processors/outbox.processor.js';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { apiOf, buildWorld, material, randomUscc, workingDays } from './fixtures/world.js';
import { createApp, eventually, unique } from './helpers.js';

// Quick retries and a short timeout, so the retries and the dead receiver take seconds here.
process.env.WEBHOOK_RETRY_BASE_MS = '200';
process.env.WEBHOOK_TIMEOUT_MS = '3000';
process.env.WEBHOOK_ATTEMPTS = '4';

/** The request's view a body carries, in the parts these tests read (GET /requests/{id} answers it all). */
interface RequestInBody {
  id: string;
  number: string;
  itemCode: string;
  companyUscc: string;
  status: string;
  sla: { dueAt: string } | null;
  steps: { key: string; departmentCode: string; status: string; sla: { dueAt: string } | null }[];
  outputs: { stepKey: string; number: string }[];
}

interface Body {
  id: string;
  type: string;
  timestamp: string;
  data: { requestId: string; stepKey?: string; request: RequestInBody | null };
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver on 127.0.0.1 answering with `answer` (a status, or null to never answer). */
async function receiver(answer: (hit: Received, count: number) => number | null) {
  const received: Received[] = [];
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(hit);
      const status = answer(hit, received.filter((r) => r.headers['webhook-id'] === hit.headers['webhook-id']).length);
      if (status === null) hanging.add(res);
      else res.writeHead(status, { 'content-type': 'text/plain' }).end(`answered ${status}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    /** The events received, each once (the first time), in the order they came. */
    events: () => {
      const seen = new Set<string>();
      return received
        .filter((r) => !seen.has(String(r.headers['webhook-id'])) && seen.add(String(r.headers['webhook-id'])))
        .map((r) => JSON.parse(r.body) as Body);
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
type Receiver = Awaited<ReturnType<typeof receiver>>;

describe('webhooks out', () => {
  let app: INestApplication;
  let worker: TestingModule;
  /** A second worker: two relays, two senders, as with two worker processes. */
  let worker2: TestingModule;
  let db: DataSource;
  const u = unique().toUpperCase();
  const DEPT = `W-D-${u}`;
  const HALL = `W-H-${u}`;
  const ITEM = `W-ITEM-${u}`;
  const company = randomUscc();
  let tokens: Record<string, string> = {};
  const { get, post } = apiOf(() => app);
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    app = await createApp();
    db = app.get(getDataSourceToken());
    worker = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    await worker.init();
    worker2 = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    await worker2.init();
    ({ tokens } = await buildWorld(app, {
      departments: [{ code: DEPT, name: 'Webhook 测试部门' }],
      halls: [{ code: HALL, name: 'Webhook 测试大厅', level: 'centre' }],
      matters: [
        {
          code: `W-M-${u}`,
          name: 'Webhook 测试事项',
          departmentCode: DEPT,
          promisedLimit: workingDays(1),
          legalLimit: workingDays(15),
          materials: [material('FORM', '申请书')],
          output: { kind: `W-KIND-${u}`, name: 'Webhook 测试批文' },
        },
      ],
      items: [
        {
          code: ITEM,
          name: 'Webhook 测试一件事',
          category: 'test',
          calendarCode: 'always',
          promisedLimit: workingDays(3),
          steps: [{ key: 'review', matterCode: `W-M-${u}` }],
        },
      ],
      companies: [{ uscc: company, name: 'Webhook 测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        clerk: { role: 'clerk', hallCode: HALL },
        approver: { role: 'approver', departmentCode: DEPT },
      },
      username: (key) => `wh-${key}-${u}`.toLowerCase(),
    }));
  });

  afterAll(async () => {
    // Nothing more for this run's receivers, whichever worker makes the deliveries.
    await db
      .getRepository(WebhookSubscription)
      .update({ departmentCode: DEPT, active: true }, { active: false, disabledReason: 'test over' });
    await worker.close();
    await worker2.close();
    for (const r of receivers) await r.close();
    await app.close();
  });

  async function open(answer: (hit: Received, count: number) => number | null) {
    const r = await receiver(answer);
    receivers.push(r);
    return r;
  }

  /** A subscription of this run's department (other files' requests never reach it). */
  async function subscribe(url: string, events = ['request.*', 'step.*']) {
    const res = await post('/webhook-subscriptions', tokens.admin, { url, events, departmentCode: DEPT }).expect(201);
    return res.body as { id: string; secret: string };
  }

  /** A request submitted, accepted and approved: request.submitted … request.completed. */
  async function completedRequest(): Promise<string> {
    const submitted = await post('/requests', tokens.applicant, {
      itemCode: ITEM,
      form: {},
      materials: [{ code: 'FORM', reference: '申请书.pdf' }],
    }).expect(201);
    const id = String(submitted.body.id);
    await post(`/requests/${id}/accept`, tokens.clerk).expect(200);
    await post(`/requests/${id}/steps/review/approve`, tokens.approver, { outputNumber: `NO-${unique()}` }).expect(200);
    return id;
  }

  async function submittedRequest(): Promise<string> {
    const submitted = await post('/requests', tokens.applicant, {
      itemCode: ITEM,
      form: {},
      materials: [{ code: 'FORM', reference: '申请书.pdf' }],
    }).expect(201);
    return String(submitted.body.id);
  }

  /** Each request's events of these families, in the order they happened (the outbox's). */
  async function happened(requestIds: readonly string[]): Promise<{ id: string; type: string }[][]> {
    const wanted = new Set(requestIds);
    const rows = await db.getRepository(OutboxEvent).find({ order: { id: 'ASC' } });
    const of = new Map(requestIds.map((id) => [id, [] as { id: string; type: string }[]]));
    for (const row of rows) {
      const requestId = row.payload.requestId as string | undefined;
      if (requestId && wanted.has(requestId) && /^(request|step)\./.test(row.type)) {
        of.get(requestId)!.push({ id: `msg_${row.id}_${row.createdAt.getTime()}`, type: row.type });
      }
    }
    return requestIds.map((id) => of.get(id)!);
  }

  /** `n` requests made through the api, `batch` at a time. */
  async function many(n: number, batch: number, make: () => Promise<string>): Promise<string[]> {
    const ids: string[] = [];
    while (ids.length < n) {
      ids.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - ids.length) }, make))));
    }
    return ids;
  }

  /** A subscription's deliveries with their attempts, read from the database (the list pages by 100). */
  async function recorded(subscriptionId: string) {
    const deliveries = await db
      .getRepository(WebhookDelivery)
      .find({ where: { subscriptionId }, order: { id: 'ASC' } });
    const attempts = await db.getRepository(WebhookAttempt).find({
      where: { deliveryId: In(deliveries.length ? deliveries.map((d) => d.id) : ['0']) },
      order: { id: 'ASC' },
    });
    return deliveries.map((d) => ({ ...d, tries: attempts.filter((a) => String(a.deliveryId) === String(d.id)) }));
  }

  /** The subscription's audit trail from its creation (a database made again may hold an older one of its id). */
  async function auditOf(subscriptionId: string): Promise<string[]> {
    const rows = await db
      .getRepository(AuditEvent)
      .find({ where: { subjectType: 'webhook-subscription', subjectId: subscriptionId }, order: { id: 'ASC' } });
    const actions = rows.map((a) => a.action);
    return actions.slice(actions.lastIndexOf('webhook-subscription.created'));
  }

  const deliveriesOf = async (subscriptionId: string) =>
    (await get(`/webhook-deliveries?subscriptionId=${subscriptionId}&limit=100`, tokens.admin).expect(200)).body
      .items as {
      id: string;
      status: string;
      eventType: string;
      requestId: string;
      attempts: { statusCode: number | null; latencyMs: number; responseExcerpt: string | null }[];
    }[];

  it('delivers each of 200 requests’ events in order, with the request’s view, relayed by two workers at once and signed so that a published verifier accepts it', async () => {
    const ok = await open(() => 204);
    const { id: subscriptionId, secret } = await subscribe(ok.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);

    // The two workers' scheduled relays pause; two relays, one of each worker, relay all the burst,
    // a few rows a batch and both at once, so a request's events are claimed by both.
    const scheduled = [worker, worker2].map((w) => w.get(OutboxProcessor).worker);
    await Promise.all(scheduled.map((w) => w.pause()));
    let burstDone = false;
    const relayed = [worker, worker2].map(async (w) => {
      const relay = w.get(OutboxRelay);
      let total = 0;
      for (;;) {
        const n = await relay.relayBatch(10);
        total += n;
        if (n === 0 && burstDone) return total;
        if (n === 0) await new Promise((r) => setTimeout(r, 20));
      }
    });
    let requests: string[];
    try {
      // A burst of 200 requests, 25 at a time: each one's events in order, the requests' interleaved.
      requests = await many(200, 25, completedRequest);
    } finally {
      burstDone = true;
      const totals = await Promise.all(relayed);
      await Promise.all(scheduled.map((w) => w.resume()));
      // Both relays made deliveries of the burst.
      expect(totals.every((n) => n > 0)).toBe(true);
    }
    const expected = await happened(requests);
    expect(expected[0].map((e) => e.type)).toEqual([
      'request.submitted',
      'request.accepted',
      'step.activated',
      'step.approved',
      'request.completed',
    ]);
    const total = expected.flat().length;
    await eventually(
      async () => new Set(ok.received.map((r) => r.headers['webhook-id'])).size >= total,
      'every event at the receiver',
      180_000,
    );

    const verifier = new Webhook(secret);
    for (const hit of ok.received) {
      expect(hit.headers['content-type']).toBe('application/json');
      const verified = verifier.verify(hit.body, {
        'webhook-id': String(hit.headers['webhook-id']),
        'webhook-timestamp': String(hit.headers['webhook-timestamp']),
        'webhook-signature': String(hit.headers['webhook-signature']),
      }) as Body;
      expect(verified.id).toBe(hit.headers['webhook-id']);
      expect(verified.data.request?.id).toBe(verified.data.requestId);
    }
    // A body altered on the way is refused by the same verifier: its events, or the request's view.
    const [first] = ok.received;
    const headersOf = (hit: Received) => ({
      'webhook-id': String(hit.headers['webhook-id']),
      'webhook-timestamp': String(hit.headers['webhook-timestamp']),
      'webhook-signature': String(hit.headers['webhook-signature']),
    });
    expect(() => verifier.verify(first.body.replace('request.', 'requesx.'), headersOf(first))).toThrow();
    expect(() => verifier.verify(first.body.replace('"status":"', '"status":"x'), headersOf(first))).toThrow();

    // Each request's events in the order they happened, each once; its view, taken as the event was
    // relayed, never goes back (a later event's change may already show on an earlier one's).
    const rank = ['submitted', 'in_progress', 'completed'];
    const events = ok.events();
    const byRequest = new Map<string, Body[]>();
    for (const e of events) byRequest.set(e.data.requestId, [...(byRequest.get(e.data.requestId) ?? []), e]);
    for (const [i, requestId] of requests.entries()) {
      const got = byRequest.get(requestId) ?? [];
      expect(got.map((e) => e.id)).toEqual(expected[i].map((e) => e.id));
      expect(got.map((e) => e.type)).toEqual(expected[i].map((e) => e.type));
      const statuses = got.map((e) => rank.indexOf(e.data.request!.status));
      expect(statuses.every((s, k) => s >= 0 && (k === 0 || s >= statuses[k - 1]))).toBe(true);
      const completed = got.at(-1)!;
      expect(completed.type).toBe('request.completed');
      expect(completed.data.request).toMatchObject({
        id: requestId,
        number: expect.any(String),
        itemCode: ITEM,
        companyUscc: company,
        status: 'completed',
        steps: [{ key: 'review', departmentCode: DEPT, status: 'approved' }],
        outputs: [{ stepKey: 'review', number: expect.stringMatching(/^NO-/) }],
      });
      expect(got[0]).toEqual({
        id: expect.stringMatching(/^msg_\d+_\d+$/),
        type: 'request.submitted',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        data: { requestId, request: expect.objectContaining({ id: requestId, itemCode: ITEM }) },
      });
    }
    const stepApproved = events.find((e) => e.type === 'step.approved')!;
    expect(stepApproved.data).toEqual({
      requestId: stepApproved.data.requestId,
      stepKey: 'review',
      request: expect.objectContaining({ id: stepApproved.data.requestId }),
    });
    // The view is the request as GET /requests/{id} answers it, but for the reader's next actions.
    const completedView = events.find((e) => e.type === 'request.completed')!.data.request!;
    const api = (await get(`/requests/${completedView.id}`, tokens.admin).expect(200)).body;
    const withoutActions = ({ allowedActions: _, ...rest }: { allowedActions?: unknown }) => rest;
    expect(completedView).toEqual({
      ...withoutActions(api),
      steps: api.steps.map(withoutActions),
    });
    expect(completedView.sla?.dueAt).toEqual(expect.any(String));
    expect(completedView.steps[0].sla?.dueAt).toEqual(expect.any(String));

    // Each recorded delivered (just after its answer came), by an attempt answered 204. An earlier
    // attempt is only one the receiver did not answer in time (a loaded machine may be slow to), never
    // one it answered.
    const deliveries = await eventually(async () => {
      const found = await recorded(subscriptionId);
      return found.every((d) => d.status === 'delivered') ? found : undefined;
    }, 'the deliveries recorded');
    expect(deliveries.length).toBe(total);
    for (const delivery of deliveries) {
      expect(delivery.tries.at(-1)).toMatchObject({ statusCode: 204, responseExcerpt: null });
      expect(delivery.tries.slice(0, -1).filter((a) => a.statusCode !== null)).toEqual([]);
    }
    // An event relayed again makes no second delivery, and nothing more reaches the receiver.
    const completed = (await db.getRepository(OutboxEvent).findBy({ type: 'request.completed' })).find(
      (r) => r.payload.requestId === requests[0],
    )!;
    const hits = ok.received.length;
    await db.getRepository(OutboxEvent).update({ id: completed.id }, { publishedAt: null });
    await eventually(
      async () => (await db.getRepository(OutboxEvent).findOneByOrFail({ id: completed.id })).publishedAt !== null,
      'the event relayed again',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.getRepository(WebhookDelivery).countBy({ subscriptionId })).toBe(total);
    expect(ok.received).toHaveLength(hits);
  }, 600_000);

  it('has no effect twice on a receiver that dedups by webhook-id, though a delivery whose answer was lost is sent again', async () => {
    // The receiver applies each event once, by its webhook-id; its answer to the first attempt of each
    // step.activated is lost (never sent), so that delivery times out and comes again.
    const applied: Body[] = [];
    const appliedIds = new Set<string>();
    const deduping = await open((hit, count) => {
      const body = JSON.parse(hit.body) as Body;
      if (!appliedIds.has(String(hit.headers['webhook-id']))) {
        appliedIds.add(String(hit.headers['webhook-id']));
        applied.push(body);
      }
      return count === 1 && body.type === 'step.activated' ? null : 200;
    });
    const { id: subscriptionId } = await subscribe(deduping.url);
    const requests = await many(6, 6, completedRequest);
    const expected = await happened(requests);
    const total = expected.flat().length;
    const deliveries = await eventually(
      async () => {
        const found = await recorded(subscriptionId);
        return found.length === total && found.every((d) => d.status === 'delivered') ? found : undefined;
      },
      'the deliveries, the lost answers among them, delivered',
      120_000,
    );
    // Sent again: the step.activated deliveries (their first attempt had no answer), with the same id and body.
    const again = deduping.received.filter(
      (hit, i) => deduping.received.findIndex((h) => h.headers['webhook-id'] === hit.headers['webhook-id']) !== i,
    );
    expect(again.length).toBeGreaterThanOrEqual(requests.length);
    for (const hit of again) {
      const firstHit = deduping.received.find((h) => h.headers['webhook-id'] === hit.headers['webhook-id'])!;
      expect(hit.body).toBe(firstHit.body);
    }
    for (const delivery of deliveries.filter((d) => d.eventType === 'step.activated')) {
      expect(delivery.tries[0]).toMatchObject({ statusCode: null });
      expect(delivery.tries.at(-1)).toMatchObject({ statusCode: 200 });
    }
    // Applied: every event once, each request's in their order.
    expect(applied).toHaveLength(total);
    expect(new Set(applied.map((b) => b.id)).size).toBe(total);
    for (const [i, requestId] of requests.entries()) {
      expect(applied.filter((b) => b.data.requestId === requestId).map((b) => b.id)).toEqual(
        expected[i].map((e) => e.id),
      );
    }
  }, 180_000);

  it('sends again, in order, the deliveries no job carries any more (a process killed between a commit and its enqueue)', async () => {
    const hooks = await open(() => 200);
    const { id } = await subscribe(hooks.url, ['request.submitted', 'request.accepted']);
    const submitted = await post('/requests', tokens.applicant, {
      itemCode: ITEM,
      form: {},
      materials: [{ code: 'FORM', reference: '申请书.pdf' }],
    }).expect(201);
    await post(`/requests/${String(submitted.body.id)}/accept`, tokens.clerk).expect(200);
    const sent = await eventually(async () => {
      const found = await recorded(id);
      return found.length === 2 && found.every((d) => d.status === 'delivered') ? found : undefined;
    }, 'both deliveries sent');
    const before = hooks.received.length;
    // What a worker killed right after the relay's commit leaves: the rows due, their jobs never enqueued
    // (here: ended long ago, as if never made).
    await db
      .getRepository(WebhookDelivery)
      .update({ id: In(sent.map((d) => d.id)) }, { status: 'pending', finishedAt: null, lastStatusCode: null });
    const sweep = worker.get(WebhookSweep);
    // Deliveries of other runs of this file the database keeps are swept too: only this run's are looked at.
    const ours = (ids: string[]) => ids.filter((d) => sent.some((s) => String(s.id) === d));
    // Seen once, nothing is enqueued: a job may be on its way right after a commit.
    expect(ours(await sweep.sweep())).toEqual([]);
    await new Promise((r) => setTimeout(r, SWEEP_GRACE_MS + 200));
    // Seen again: the first of the request's deliveries is enqueued; its end enqueues the next.
    const again = await sweep.sweep();
    await eventually(async () => (await recorded(id)).every((d) => d.status === 'delivered'), 'both sent again');
    expect(ours(again)).toEqual([String(sent[0].id)]);
    const resent = hooks.received.slice(before).map((r) => r.headers['webhook-id']);
    expect(resent).toEqual(sent.map((d) => d.messageId));
  });

  it('retries after 500s, with each attempt recorded, until the receiver answers 2xx', async () => {
    const flaky = await open((_hit, count) => (count <= 2 ? 500 : 200));
    const { id } = await subscribe(flaky.url, ['request.submitted']);
    const requestId = await submittedRequest();
    const [delivery] = await eventually(async () => {
      const found = await deliveriesOf(id);
      return found.length === 1 && found[0].status === 'delivered' ? found : undefined;
    }, 'the delivery after two 500s');
    expect(delivery.requestId).toBe(requestId);
    expect(delivery.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(delivery.attempts[0].responseExcerpt).toBe('answered 500');
    expect(new Set(flaky.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('gives up after the last attempt, lists the delivery as failed, and re-sends it when an admin asks', async () => {
    let status = 503;
    const down = await open(() => status);
    const { id } = await subscribe(down.url, ['request.submitted']);
    await submittedRequest();
    const failed = await eventually(
      async () => {
        const page = (await get('/webhook-deliveries?status=failed&limit=100', tokens.admin).expect(200)).body;
        return (page.items as { id: string; subscriptionId: string; attempts: unknown[] }[]).find(
          (d) => d.subscriptionId === id,
        );
      },
      'the delivery given up',
      20_000,
    );
    expect(failed.attempts).toHaveLength(4);
    await post(`/webhook-deliveries/${failed.id}/resend`, tokens.clerk).expect(403);
    status = 200;
    const resent = await post(`/webhook-deliveries/${failed.id}/resend`, tokens.admin).expect(200);
    expect(resent.body.status).toBe('pending');
    await eventually(async () => (await deliveriesOf(id))[0].status === 'delivered', 'the resent delivery');
    expect(await auditOf(id)).toEqual(['webhook-subscription.created', 'webhook-delivery.resent']);
    await post(`/webhook-deliveries/999999999999/resend`, tokens.admin).expect(404);
  });

  it('disables a subscription whose receiver answers 410, and sends it nothing more', async () => {
    const gone = await open(() => 410);
    const { id } = await subscribe(gone.url, ['request.submitted']);
    await submittedRequest();
    await eventually(
      async () => !(await db.getRepository(WebhookSubscription).findOneByOrFail({ id })).active,
      'the subscription disabled',
    );
    const listed = (await get('/webhook-subscriptions?limit=100', tokens.admin).expect(200)).body.items.find(
      (s: { id: string }) => s.id === id,
    );
    expect(listed).toMatchObject({ active: false, disabledReason: 'the receiver answered 410 Gone' });
    await submittedRequest();
    await new Promise((r) => setTimeout(r, 1500));
    expect(gone.received).toHaveLength(1);
    expect(await auditOf(id)).toEqual(['webhook-subscription.created', 'webhook-subscription.disabled']);
  });

  it('a dead receiver does not hold up another’s deliveries (their latency printed with and without one)', async () => {
    const alive = await open(() => 200);
    await subscribe(alive.url, ['request.submitted']);
    /** Requests submitted at once; each one's latency at the live receiver, from its event to its receipt. */
    const latencies = async (n: number) => {
      const ids = await Promise.all(Array.from({ length: n }, () => submittedRequest()));
      const hits = await eventually(async () => {
        const found = ids.map((id) => alive.received.find((r) => (JSON.parse(r.body) as Body).data.requestId === id));
        return found.every((hit) => hit !== undefined) ? (found as Received[]) : undefined;
      }, 'the live receiver’s deliveries');
      return { ids, ms: hits.map((hit) => hit.at - Date.parse((JSON.parse(hit.body) as Body).timestamp)) };
    };
    const summary = (ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return `median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms`;
    };
    const without = await latencies(4);
    // The dead receiver never answers: each of its attempts holds a sending slot for the whole timeout.
    const dead = await open(() => null);
    const { id: deadId } = await subscribe(dead.url, ['request.submitted']);
    const beside = await latencies(4);
    console.log(
      `webhooks: the live receiver's latency, event to receipt: without a dead receiver ${summary(without.ms)}; ` +
        `with one ${summary(beside.ms)}`,
    );
    // Every request's event reached the live receiver once; the dead one's were attempted, unanswered.
    for (const id of [...without.ids, ...beside.ids]) {
      expect(
        alive
          .events()
          .filter((e) => e.data.requestId === id)
          .map((e) => e.type),
      ).toEqual(['request.submitted']);
    }
    const timedOut = await eventually(async () => {
      const attempts = (await recorded(deadId)).flatMap((d) => d.tries);
      return attempts.length >= beside.ids.length ? attempts : undefined;
    }, 'the dead receiver’s attempts recorded');
    expect(timedOut.every((a) => a.statusCode === null && /timed out/.test(a.error ?? ''))).toBe(true);
    expect(await db.getRepository(WebhookDelivery).countBy({ subscriptionId: deadId })).toBe(beside.ids.length);
  });

  it('refuses URLs that reach this machine, a private network, link-local or metadata addresses (400)', async () => {
    const refused = async (url: string) =>
      (await post('/webhook-subscriptions', tokens.admin, { url, events: ['step.*'] }).expect(400)).body;
    expect((await refused('http://169.254.169.254/latest/meta-data/')).message).toContain(
      'url host 169.254.169.254 resolves to 169.254.169.254, a loopback, private, link-local or metadata address; an admin may allow the host in WEBHOOK_ALLOWED_HOSTS',
    );
    expect(JSON.stringify(await refused('http://10.1.2.3/hooks'))).toContain('resolves to 10.1.2.3');
    expect(JSON.stringify(await refused('http://192.168.1.10:8080/hooks'))).toContain('resolves to 192.168.1.10');
    expect(JSON.stringify(await refused('http://localhost:9/hooks'))).toContain('url host localhost resolves to');
    expect(JSON.stringify(await refused('http://[::1]:9/hooks'))).toContain('resolves to ::1');
    expect(JSON.stringify(await refused('http://[::ffff:127.0.0.1]:9/hooks'))).toContain('a loopback');
    expect(JSON.stringify(await refused('ftp://example.com/hooks'))).toContain(
      'url must be an absolute http or https address',
    );
    expect(JSON.stringify(await refused('not a url'))).toContain('url must be an absolute http or https address');
    const bad = await post('/webhook-subscriptions', tokens.admin, {
      url: 'http://127.0.0.1:9/hooks',
      events: ['nothing.*'],
    }).expect(400);
    expect(JSON.stringify(bad.body)).toContain('nothing.* is not an event type or pattern');
    await post('/webhook-subscriptions', tokens.admin, {
      url: 'http://127.0.0.1:9/hooks',
      events: ['step.*'],
      secret: 'whsec_short',
    }).expect(400);
    await post('/webhook-subscriptions', tokens.admin, {
      url: 'http://127.0.0.1:9/hooks',
      events: ['step.*'],
      departmentCode: `NO-SUCH-${u}`,
    }).expect(404);
  });

  it('is the admin’s only, never lists a secret, and keeps the secret encrypted', async () => {
    const body = { url: 'http://127.0.0.1:9/hooks', events: ['step.*'], departmentCode: DEPT };
    await post('/webhook-subscriptions', null, body).expect(401);
    for (const role of ['applicant', 'clerk', 'approver']) {
      await post('/webhook-subscriptions', tokens[role], body).expect(403);
      await get('/webhook-subscriptions', tokens[role]).expect(403);
      await get('/webhook-deliveries?status=failed', tokens[role]).expect(403);
    }
    const created = await post('/webhook-subscriptions', tokens.admin, body).expect(201);
    await post(`/webhook-subscriptions/${created.body.id}/disable`, tokens.clerk).expect(403);
    const secret = created.body.secret as string;
    const listed = await get('/webhook-subscriptions?limit=100', tokens.admin).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(secret.slice(6));
    expect(listed.body.items.every((s: object) => !('secret' in s) && !('secretCipher' in s))).toBe(true);
    const [row] = (await db.query('SELECT secret_cipher FROM webhook_subscriptions WHERE id = ?', [
      created.body.id,
    ])) as { secret_cipher: string }[];
    expect(row.secret_cipher).not.toContain(secret.slice(6));
    expect(row.secret_cipher).not.toContain(Buffer.from(secret.slice(6), 'base64').toString('hex'));
    expect(row.secret_cipher.length).toBeGreaterThan(40);

    const disabled = await post(`/webhook-subscriptions/${created.body.id}/disable`, tokens.admin).expect(200);
    expect(disabled.body).toMatchObject({ active: false, disabledReason: 'disabled by an admin' });
    const again = await post(`/webhook-subscriptions/${created.body.id}/disable`, tokens.admin).expect(409);
    expect(JSON.stringify(again.body)).toContain('is already disabled');
    await post('/webhook-subscriptions/999999999999/disable', tokens.admin).expect(404);
  });
});
