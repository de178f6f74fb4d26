import { AuditEvent } from '#database';
import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

/** Limits small enough to reach: 3 failures lock for 15 minutes; 8 attempts per username and 12 per address a minute. */
const LIMITS = {
  LOGIN_MAX_FAILURES: '3',
  LOGIN_LOCKOUT: '15m',
  LOGIN_RATE_PER_USERNAME: '8',
  LOGIN_RATE_PER_ADDRESS: '12',
};

describe('login limits: throttling, lockout, tokens', () => {
  let app: INestApplication;
  let db: DataSource;
  let adminToken: string;
  const saved: Record<string, string | undefined> = {};
  const PASSWORD = 'right-pass-2026';

  beforeAll(async () => {
    for (const [k, v] of Object.entries(LIMITS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    app = await createApp();
    db = app.get(getDataSourceToken());
    adminToken = await login(app, 'admin', TEST_ENV.ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await app?.close();
    Object.assign(process.env, saved);
  });

  /** Each test comes from addresses of its own (the api trusts X-Forwarded-For from a proxy on loopback). */
  let addressSerial = 0;
  const newAddress = () => `198.51.100.${++addressSerial}`;
  const attempt = (username: string, password: string, address: string, server = app) =>
    request(server.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', address)
      .send({ username, password });

  async function newUser(): Promise<{ id: string; username: string }> {
    const username = `limits-${unique()}`;
    const res = await request(app.getHttpServer())
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ username, password: PASSWORD, role: 'manager' })
      .expect(201);
    return { id: res.body.id as string, username };
  }

  const actionsOf = async (subjectId: string) =>
    (await db.getRepository(AuditEvent).find({ where: { subjectType: 'user', subjectId }, order: { seq: 'ASC' } })).map(
      (e) => e.action,
    );

  it('locks a username after repeated failures, even for the right password, and audits each attempt', async () => {
    const { id, username } = await newUser();
    const address = newAddress();
    for (let i = 0; i < 3; i++) {
      const res = await attempt(username, 'wrong-pass-1', address);
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('invalid username or password');
    }
    const locked = await attempt(username, PASSWORD, address);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'this username is locked after repeated failed logins; try again in 15 minutes',
    });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(await actionsOf(id)).toEqual([
      'user.created',
      'auth.login-failed',
      'auth.login-failed',
      'auth.login-failed',
      'auth.login-locked',
    ]);
    const [last] = await db.getRepository(AuditEvent).find({
      where: { subjectType: 'user', subjectId: id, action: 'auth.login-failed' },
      order: { seq: 'DESC' },
      take: 1,
    });
    expect(last.payload).toEqual({ address, lockedUntil: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
  });

  it('answers an unknown username exactly as a known one, lockout included, so neither reveals which exists', async () => {
    const { username: known } = await newUser();
    const unknown = `nobody-${unique()}`;
    const answers = async (username: string) => {
      const address = newAddress();
      const out: [number, string][] = [];
      for (const password of ['wrong-pass-1', 'wrong-pass-2', 'wrong-pass-3', PASSWORD]) {
        const res = await attempt(username, password, address);
        out.push([res.status, res.body.message as string]);
      }
      return out;
    };
    const knownAnswers = await answers(known);
    expect(knownAnswers.map(([s]) => s)).toEqual([401, 401, 401, 429]);
    expect(await answers(unknown)).toEqual(knownAnswers);
  });

  it('forgets the failures after a successful login', async () => {
    const { username } = await newUser();
    const address = newAddress();
    await attempt(username, 'wrong-pass-1', address).expect(401);
    await attempt(username, 'wrong-pass-2', address).expect(401);
    await attempt(username, PASSWORD, address).expect(200);
    await attempt(username, 'wrong-pass-3', address).expect(401);
    await attempt(username, 'wrong-pass-4', address).expect(401);
    await attempt(username, PASSWORD, address).expect(200);
  });

  it('counts usernames case-insensitively, as they are found', async () => {
    const { username } = await newUser();
    const address = newAddress();
    await attempt(username.toUpperCase(), 'wrong-pass-1', address).expect(401);
    await attempt(username, 'wrong-pass-2', address).expect(401);
    await attempt(`${username[0].toUpperCase()}${username.slice(1)}`, 'wrong-pass-3', address).expect(401);
    await attempt(username, PASSWORD, address).expect(429);
  });

  it('keeps a lockout across a restart of the api (the failures live in MySQL)', async () => {
    const { username } = await newUser();
    const address = newAddress();
    for (let i = 0; i < 3; i++) await attempt(username, 'wrong-pass-1', address).expect(401);
    const restarted = await createApp();
    try {
      await attempt(username, PASSWORD, address, restarted).expect(429);
    } finally {
      await restarted.close();
    }
  });

  it('throttles one username tried from many addresses, with Retry-After', async () => {
    const { username } = await newUser();
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await attempt(username, PASSWORD, newAddress())).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429]);
    const res = await attempt(username, PASSWORD, newAddress());
    expect(res.status).toBe(429);
    expect(res.body.message).toBe('too many login attempts from this address or for this username; try again later');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
  });

  it('throttles one address trying many usernames', async () => {
    const address = newAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 13; i++) statuses.push((await attempt(`guess-${unique()}`, 'wrong-pass-1', address)).status);
    expect(statuses).toEqual([...Array<number>(12).fill(401), 429]);
  });

  it('refuses a token past its expiry with 401', async () => {
    const { id, username } = await newUser();
    const expired = await app
      .get(JwtService)
      .signAsync(
        { sub: id, username, role: 'manager', iat: Math.floor(Date.now() / 1000) - 3600 },
        { expiresIn: '1m' },
      );
    const res = await request(app.getHttpServer()).get('/api/v1/users/me').set('Authorization', `Bearer ${expired}`);
    expect(res.status).toBe(401);
    const fresh = await app.get(JwtService).signAsync({ sub: id, username, role: 'manager' });
    await request(app.getHttpServer()).get('/api/v1/users/me').set('Authorization', `Bearer ${fresh}`).expect(200);
  });

  it('never echoes a password, in a refusal or a validation error', async () => {
    const secret = `s3cret-${unique()}`;
    const failed = await attempt(`nobody-${unique()}`, secret, newAddress());
    expect(JSON.stringify(failed.body)).not.toContain(secret);
    const invalid = await request(app.getHttpServer())
      .post('/api/v1/auth/login')
      .set('X-Forwarded-For', newAddress())
      .send({ username: 'x', password: secret, extra: 1 });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).not.toContain(secret);
  });
});
