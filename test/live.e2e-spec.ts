import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { LiveBus, type LiveMessage } from '#live';
import { buildWorld, randomUscc, type World, workingDays } from './fixtures/world.js';
import { createApp, eventually, unique } from './helpers.js';

/**
 * Live updates (docs/api.md, "Live updates"): two api processes on one Redis; a change made through
 * one reaches the subscribers of the other, each hearing only of the requests it may read.
 */

interface Notice {
  type: string;
  requestId: string;
  stepKey?: string;
  at: string;
}

/** A reader of GET /api/v1/events/stream: the notices it got, and whether the stream said it is ready. */
class Subscriber {
  readonly notices: Notice[] = [];
  ready = false;
  ended = false;
  status = 0;
  contentType = '';
  private response: IncomingMessage | undefined;
  private readonly request;

  constructor(port: number, token: string) {
    this.request = get(
      { host: '127.0.0.1', port, path: '/api/v1/events/stream', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        this.response = res;
        this.status = res.statusCode ?? 0;
        this.contentType = String(res.headers['content-type']);
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          for (let end = buffered.indexOf('\n\n'); end !== -1; end = buffered.indexOf('\n\n')) {
            this.read(buffered.slice(0, end));
            buffered = buffered.slice(end + 2);
          }
        });
        res.on('end', () => (this.ended = true));
        res.on('close', () => (this.ended = true));
      },
    );
    this.request.on('error', () => (this.ended = true));
  }

  private read(block: string): void {
    const lines = block.split('\n');
    const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
    const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    if (event === 'ready') this.ready = true;
    else if (event === 'message' && data.length > 0) this.notices.push(JSON.parse(data.join('\n')) as Notice);
  }

  heard(requestId: string, type?: string): boolean {
    return this.notices.some((n) => n.requestId === requestId && (type === undefined || n.type === type));
  }

  close(): void {
    this.response?.destroy();
    this.request.destroy();
  }
}

describe('live updates (GET /api/v1/events/stream)', () => {
  const u = unique().toUpperCase();
  const code = (prefix: string, side: 1 | 2) => `${prefix}${side}-${u}`;
  const company = { 1: randomUscc(), 2: randomUscc() };
  let apiA: INestApplication;
  let apiB: INestApplication;
  let world: World;
  const subscribers: Subscriber[] = [];

  const portOf = (app: INestApplication) => (app.getHttpServer().address() as AddressInfo).port;
  const post = async (path: string, token: string, body: object = {}) => {
    const res = await request(apiA.getHttpServer())
      .post(`/api/v1${path}`)
      .set('Authorization', `Bearer ${token}`)
      .send(body);
    if (res.status !== 200 && res.status !== 201) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  /** A stream on api B, once it listens. */
  async function subscribe(key: string): Promise<Subscriber> {
    const subscriber = new Subscriber(portOf(apiB), world.tokens[key]);
    subscribers.push(subscriber);
    await eventually(async () => subscriber.ready, `${key}'s stream to be ready`);
    return subscriber;
  }
  /** Through api A: the clerk of `side`'s hall submits for `side`'s company and accepts. */
  async function submitAndAccept(side: 1 | 2): Promise<string> {
    const clerk = world.tokens[`clerk${side}`];
    const { id } = await post('/requests', clerk, {
      itemCode: code('LIVEI', side),
      form: {},
      materials: [{ code: 'FORM', reference: 'file:form.pdf' }],
      onBehalfOf: company[side],
    });
    await post(`/requests/${id}/accept`, clerk);
    return String(id);
  }

  beforeAll(async () => {
    apiA = await createApp();
    apiB = await createApp();
    await apiA.listen(0, '127.0.0.1');
    await apiB.listen(0, '127.0.0.1');
    const sides = [1, 2] as const;
    world = await buildWorld(apiA, {
      departments: sides.map((side) => ({ code: code('LIVED', side), name: `实时部门${side}` })),
      halls: sides.map((side) => ({ code: code('LIVEH', side), name: `实时大厅${side}`, level: 'centre' })),
      companies: sides.map((side) => ({ uscc: company[side], name: `实时公司${side}` })),
      matters: sides.map((side) => ({
        code: code('LIVEM', side),
        name: `实时事项${side}`,
        departmentCode: code('LIVED', side),
        promisedLimit: workingDays(5),
        legalLimit: workingDays(20),
        materials: [{ code: 'FORM', name: '申请表', required: true, key: true }],
        output: { kind: 'licence', name: `许可证${side}` },
      })),
      items: sides.map((side) => ({
        code: code('LIVEI', side),
        name: `实时一件事${side}`,
        category: 'enterprise',
        calendarCode: 'always',
        promisedLimit: workingDays(10),
        steps: [{ key: 'main', matterCode: code('LIVEM', side), dependsOn: [] }],
      })),
      users: Object.fromEntries(
        sides.flatMap((side) => [
          [`applicant${side}`, { role: 'applicant', companyUscc: company[side] }],
          [`clerk${side}`, { role: 'clerk', hallCode: code('LIVEH', side) }],
          [`approver${side}`, { role: 'approver', departmentCode: code('LIVED', side) }],
          [`manager${side}`, { role: 'manager', hallCode: code('LIVEH', side) }],
        ]),
      ),
      username: (key) => `live-${key}-${u}`,
    });
  });

  afterAll(async () => {
    // One stream is left open on purpose: closing the api ends it (nothing keeps app.close() waiting).
    for (const subscriber of subscribers.slice(1)) subscriber.close();
    await apiA?.close();
    await apiB?.close();
    if (subscribers[0]) await eventually(async () => subscribers[0].ended, 'the open stream to end with the api');
  });

  it('answers 401 without a token, and a stream of text/event-stream with one', async () => {
    const res = await request(apiB.getHttpServer()).get('/api/v1/events/stream');
    expect(res.status).toBe(401);
    const stream = await subscribe('applicant1');
    expect([stream.status, stream.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);
  });

  it("a change made on one api reaches the other's subscribers who may read the request, and no one else", async () => {
    const keys = ['applicant', 'clerk', 'approver', 'manager'].flatMap((role) => [`${role}1`, `${role}2`]);
    const streams: Record<string, Subscriber> = Object.fromEntries(
      await Promise.all(keys.map(async (key) => [key, await subscribe(key)] as const)),
    );
    const side1 = keys.filter((key) => key.endsWith('1'));
    const side2 = keys.filter((key) => key.endsWith('2'));

    const first = await submitAndAccept(1);
    for (const key of side1) {
      await eventually(async () => streams[key].heard(first, 'request.accepted'), `${key} to hear of the acceptance`);
    }
    expect(streams.approver1.notices).toContainEqual(
      expect.objectContaining({ type: 'step.activated', requestId: first, stepKey: 'main' }),
    );
    expect(streams.clerk1.notices.find((n) => n.requestId === first)).toEqual({
      type: 'request.submitted',
      requestId: first,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    // A later change of the other side's own: once each of them heard of it, they heard everything before.
    const second = await submitAndAccept(2);
    for (const key of side2) {
      await eventually(async () => streams[key].heard(second, 'request.accepted'), `${key} to hear of the acceptance`);
    }
    const third = await submitAndAccept(1);
    for (const key of side1) {
      await eventually(async () => streams[key].heard(third, 'request.accepted'), `${key} to hear of the acceptance`);
    }
    for (const key of side2)
      expect([key, streams[key].notices.filter((n) => n.requestId !== second)]).toEqual([key, []]);
    for (const key of side1) {
      expect([key, streams[key].notices.filter((n) => ![first, third].includes(n.requestId))]).toEqual([key, []]);
    }
    // Only ids and types go out: nothing of the request's company, hall or departments.
    const fields = new Set(streams.applicant1.notices.flatMap((notice) => Object.keys(notice)));
    expect([...fields].sort()).toEqual(['at', 'requestId', 'stepKey', 'type']);
  });

  it('notices published by many changes in one turn of the event loop arrive, all and in order, on the other api', async () => {
    const stream = await subscribe('applicant2');
    const requestId = `order-${u}`;
    const message = (n: number): LiveMessage => ({
      type: 'request.updated',
      requestId,
      at: `2026-12-07T10:00:${String(n).padStart(2, '0')}.000+08:00`,
      scope: { companyUscc: company[2], hallCode: null, departments: [] },
    });
    // As 30 changes committing in one turn would: sent together, as one pipeline.
    const bus = apiA.get(LiveBus);
    for (let change = 0; change < 30; change += 3)
      bus.publish([message(change), message(change + 1), message(change + 2)]);
    await eventually(
      async () => stream.notices.filter((n) => n.requestId === requestId).length === 30,
      'all 30 notices',
    );
    expect(stream.notices.filter((n) => n.requestId === requestId).map((n) => n.at)).toEqual(
      Array.from({ length: 30 }, (_, n) => message(n).at),
    );
  });

  it('the notices published in the turn a process shuts down in still go out', async () => {
    const stream = await subscribe('applicant2');
    const closing = await createApp();
    try {
      const bus = closing.get(LiveBus);
      const notice = (requestId: string): LiveMessage => ({
        type: 'request.updated',
        requestId,
        at: '2026-12-07T10:00:00.000+08:00',
        scope: { companyUscc: company[2], hallCode: null, departments: [] },
      });
      // Its connection made and ready first, as in a process that has published before.
      bus.publish([notice(`warm-${u}`)]);
      await eventually(async () => stream.heard(`warm-${u}`), 'the first notice');
      bus.publish([notice(`last-${u}`)]);
      bus.beforeApplicationShutdown();
      await eventually(async () => stream.heard(`last-${u}`), 'the notice of the last turn');
    } finally {
      await closing.close();
    }
  });

  it("the worker's outbox relay announces committed events too, so what the worker changes reaches the consoles", async () => {
    const worker = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    await worker.init();
    try {
      const stream = await subscribe('applicant1');
      const id = await submitAndAccept(1);
      // Once from the api right after the commit, once more from the relay: a client tolerates both.
      const accepted = () => stream.notices.filter((n) => n.requestId === id && n.type === 'request.accepted');
      await eventually(async () => accepted().length >= 2, "the relay's notice of the acceptance");
      expect(accepted()[1]).toEqual({ type: 'request.accepted', requestId: id, at: expect.any(String) });
    } finally {
      await worker.close();
    }
  });
});
