import { Notification, OutboxEvent } from '#database';
import type { INestApplication } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
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
    const first = await eventually(async () => {
      const body = await inbox();
      return body.items.length > 0 ? body : undefined;
    }, 'the welcome notification');
    expect(first.items).toEqual([
      {
        id: expect.any(String),
        kind: 'user.created',
        message: `欢迎，${username}：您的管理人员账号已开通。`,
        createdAt: expect.stringMatching(/\+08:00$/),
      },
    ]);
    // The same notification in English when the reader asks for it.
    const english = await http()
      .get('/api/v1/notifications')
      .set('Authorization', `Bearer ${token}`)
      .set('Accept-Language', 'en-GB,en;q=0.8')
      .expect(200);
    expect(english.body.items[0].message).toBe(`Welcome, ${username}: your manager account is ready.`);
    expect((await db.getRepository(OutboxEvent).findOneByOrFail({ id: row!.id })).publishedAt).not.toBeNull();

    // A relay that died after publishing but before marking would publish the row again.
    await db.getRepository(OutboxEvent).update({ id: row!.id }, { publishedAt: null });
    await eventually(
      async () =>
        (await db.getRepository(OutboxEvent).findOneByOrFail({ id: row!.id })).publishedAt ? true : undefined,
      'the re-relay',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.getRepository(Notification).countBy({ userId })).toBe(1);
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
});
