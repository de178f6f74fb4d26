import { AuditEvent, OutboxEvent, WebhookDelivery, WebhookSubscription } from '#database';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { apiOf, buildWorld, material, randomUscc, workingDays } from './fixtures/world.js';
import { createApp, eventually, unique } from './helpers.js';

// Quick retries and a short timeout, so the retries and the dead receiver take seconds here.
process.env.WEBHOOK_RETRY_BASE_MS = '200';
process.env.WEBHOOK_TIMEOUT_MS = '3000';
process.env.WEBHOOK_ATTEMPTS = '4';

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
        .map((r) => JSON.parse(r.body) as { id: string; type: string; timestamp: string; data: { requestId: string } });
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

  /** The request's events of these families, in the order they happened (the outbox's). */
  async function happened(requestId: string): Promise<string[]> {
    const rows = await db.getRepository(OutboxEvent).find({ order: { id: 'ASC' } });
    return rows.filter((r) => r.payload.requestId === requestId && /^(request|step)\./.test(r.type)).map((r) => r.type);
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

  it('delivers every event of a request in order, signed so that a published verifier accepts it', async () => {
    const ok = await open(() => 204);
    const { id: subscriptionId, secret } = await subscribe(ok.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    // A burst of requests at once: each one's events in order, the requests' interleaved.
    const requests = await Promise.all(Array.from({ length: 16 }, () => completedRequest()));
    const expected = await Promise.all(requests.map(happened));
    expect(expected[0]).toEqual([
      'request.submitted',
      'request.accepted',
      'step.activated',
      'step.approved',
      'request.completed',
    ]);
    await eventually(async () => ok.events().length >= expected.flat().length, 'every event at the receiver', 60_000);
    const verifier = new Webhook(secret);
    for (const hit of ok.received) {
      expect(hit.headers['content-type']).toBe('application/json');
      const verified = verifier.verify(hit.body, {
        'webhook-id': String(hit.headers['webhook-id']),
        'webhook-timestamp': String(hit.headers['webhook-timestamp']),
        'webhook-signature': String(hit.headers['webhook-signature']),
      }) as { id: string };
      expect(verified.id).toBe(hit.headers['webhook-id']);
    }
    // A body altered on the way is refused by the same verifier.
    const [first] = ok.received;
    expect(() =>
      verifier.verify(first.body.replace('request.', 'requesx.'), {
        'webhook-id': String(first.headers['webhook-id']),
        'webhook-timestamp': String(first.headers['webhook-timestamp']),
        'webhook-signature': String(first.headers['webhook-signature']),
      }),
    ).toThrow();
    for (const [i, requestId] of requests.entries()) {
      const got = ok.events().filter((e) => e.data.requestId === requestId);
      expect(got.map((e) => e.type)).toEqual(expected[i]);
      expect(got[0]).toEqual({
        id: expect.stringMatching(/^msg_\d+_\d+$/),
        type: 'request.submitted',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        data: { requestId },
      });
    }
    const stepApproved = ok.events().find((e) => e.type === 'step.approved')!;
    expect(stepApproved.data).toEqual({ requestId: stepApproved.data.requestId, stepKey: 'review' });
    // Each recorded delivered (just after its answer came), by an attempt answered 204. An earlier
    // attempt is only one the receiver did not answer in time (a loaded machine may be slow to), never
    // one it answered.
    const deliveries = await eventually(async () => {
      const found = await deliveriesOf(subscriptionId);
      return found.every((d) => d.status === 'delivered') ? found : undefined;
    }, 'the deliveries recorded');
    expect(deliveries.length).toBe(expected.flat().length);
    for (const delivery of deliveries) {
      const last = delivery.attempts.at(-1);
      expect(last).toMatchObject({ statusCode: 204, responseExcerpt: null });
      expect(delivery.attempts.slice(0, -1).filter((a) => a.statusCode !== null)).toEqual([]);
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
    expect(await deliveriesOf(subscriptionId)).toHaveLength(expected.flat().length);
    expect(ok.received).toHaveLength(hits);
  }, 180_000);

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

  it('a dead receiver does not delay another’s deliveries', async () => {
    const dead = await open(() => null);
    const alive = await open(() => 200);
    const { id: deadId } = await subscribe(dead.url, ['request.submitted']);
    await subscribe(alive.url, ['request.submitted']);
    // Several requests at once: the dead receiver holds a delivery each until its timeout.
    const before = Date.now();
    const ids = await Promise.all([submittedRequest(), submittedRequest(), submittedRequest(), submittedRequest()]);
    await eventually(
      async () => ids.every((id) => alive.events().some((e) => e.data.requestId === id)),
      'the live receiver’s deliveries',
    );
    const aliveLatency = Math.max(...alive.received.map((r) => r.at)) - before;
    // The dead receiver's attempts each last the whole timeout (3 s); the live one was served meanwhile,
    // within the relay's second and its own answer.
    const timedOut = await eventually(async () => {
      const attempts = (await deliveriesOf(deadId)).flatMap((d) => d.attempts);
      return attempts.length >= ids.length ? attempts : undefined;
    }, 'the dead receiver’s attempts recorded');
    expect(timedOut.every((a) => a.statusCode === null && a.latencyMs >= 2900)).toBe(true);
    expect(aliveLatency).toBeLessThan(2500);
    expect(await db.getRepository(WebhookDelivery).countBy({ subscriptionId: deadId })).toBe(ids.length);
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
