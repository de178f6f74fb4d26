import { Notification, OutboxEvent } from '#database';
import { jest } from '@jest/globals';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { WorkerEventBatch } from '../apps/worker/src/event-batch.js';
import { WorkerModule } from '../apps/worker/src/worker.module.js';
import { createApp, eventually, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

describe('outbox → relay → worker', () => {
  let app: INestApplication;
  let worker: TestingModule;
  let db: DataSource;
  let adminToken: string;

  beforeAll(async () => {
    app = await createApp(undefined, { readerLanguage: 'default' });
    worker = await Test.createTestingModule({ imports: [WorkerModule] }).compile();
    await worker.init();
    db = app.get(getDataSourceToken());
    adminToken = await login(app, 'admin', TEST_ENV.ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  const http = () => request(app.getHttpServer());

  async function outboxRowFor(userId: string): Promise<OutboxEvent | undefined> {
    const rows = await db.getRepository(OutboxEvent).findBy({ type: 'user.created' });
    return rows.find((r) => r.payload.userId === userId);
  }

  it('a created user finds a welcome in their inbox, written by the worker once even when the event is relayed twice', async () => {
    const username = `inbox-${unique()}`;
    const created = await http()
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ username, password: 'inbox-pass-123', role: 'manager' })
      .expect(201);
    const userId = created.body.id as string;
    const row = await outboxRowFor(userId);
    expect(row).toBeDefined();

    const token = await login(app, username, 'inbox-pass-123');
    const inbox = async () =>
      (await http().get('/api/v1/notifications').set('Authorization', `Bearer ${token}`).expect(200)).body;
    // A manager's inbox also takes the zone's notices (a request past its legal limit in a spec running
    // alongside), so the welcome is looked for by its kind rather than by its place in the list.
    type Item = { id: string; kind: string; message: string };
    const first = await eventually(async () => {
      const body = (await inbox()) as { items: Item[] };
      return body.items.find((n) => n.kind === 'user.created');
    }, 'the welcome notification');
    expect(first).toEqual({
      id: expect.any(String),
      kind: 'user.created',
      message: `欢迎，${username}：您的管理人员账号已开通。`,
      createdAt: expect.stringMatching(/\+08:00$/),
    });
    // The same notification in English when the reader asks for it.
    const english = await http()
      .get('/api/v1/notifications')
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'en-GB,en;q=0.8')
      .expect(200);
    const welcome = (english.body.items as Item[]).find((n) => n.id === first.id);
    expect(welcome?.message).toBe(`Welcome, ${username}: your manager account is ready.`);
    expect((await db.getRepository(OutboxEvent).findOneByOrFail({ id: row!.id })).publishedAt).not.toBeNull();

    // A relay that died after publishing but before marking would publish the row again.
    await db.getRepository(OutboxEvent).update({ id: row!.id }, { publishedAt: null });
    await eventually(
      async () =>
        (await db.getRepository(OutboxEvent).findOneByOrFail({ id: row!.id })).publishedAt ? true : undefined,
      'the re-relay',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.getRepository(Notification).countBy({ userId, kind: 'user.created' })).toBe(1);
  });

  it('a refused change leaves no event behind', async () => {
    const before = await db.getRepository(OutboxEvent).count();
    await http()
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ username: 'admin', password: 'another-pass-1', role: 'manager' })
      .expect(409);
    expect(await db.getRepository(OutboxEvent).count()).toBe(before);
  });

  it('events the relay handles in bulk make no job; a batch it cannot handle goes to the events queue, one job each', async () => {
    const events = worker.get<Queue>(getQueueToken('events'));
    const outbox = db.getRepository(OutboxEvent);
    const add = async () => {
      const result = (await db.query(
        "INSERT INTO outbox_events (type, payload, created_at) VALUES ('sla.clock-changed', ?, NOW(3))",
        [JSON.stringify({ clockId: '987654321' })],
      )) as { insertId: number };
      return String(result.insertId);
    };
    const relayed = (id: string) =>
      eventually(async () => {
        const row = await outbox.findOneByOrFail({ id });
        return row.publishedAt ? row : undefined;
      }, `outbox row ${id} relayed`);
    const jobOf = (row: OutboxEvent) => events.getJob(`event-${row.id}-${row.createdAt.getTime()}`);

    // Handled in the relay's batch: marked published, and no job made for it.
    const inBulk = await relayed(await add());
    expect(await jobOf(inBulk)).toBeUndefined();

    // The bulk handling of the batch holding the next row fails once: its rows are published as jobs
    // after all, and the events processor handles them.
    const batch = worker.get(WorkerEventBatch);
    const handle = batch.handle.bind(batch);
    let failed: string[] = [];
    let target = '';
    const failing = jest.spyOn(batch, 'handle').mockImplementation(async (manager, rows) => {
      if (failed.length === 0 && rows.some((row) => row.id === target)) {
        failed = rows.map((row) => row.id);
        throw new Error('induced failure of the bulk handling');
      }
      return handle(manager, rows);
    });
    try {
      target = await add();
      const row = await relayed(target);
      expect(failed).toContain(target);
      const job = await eventually(async () => jobOf(row), 'the job of the row the batch could not handle');
      expect(job.name).toBe('sla.clock-changed');
      expect(job.data).toMatchObject({ clockId: '987654321', eventId: target });
      await eventually(async () => ((await job.getState()) === 'completed' ? true : undefined), 'the job completed');
    } finally {
      failing.mockRestore();
    }
  });
});
