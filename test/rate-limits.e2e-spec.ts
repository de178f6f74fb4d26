import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import request from 'supertest';
import { createApp, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

/** Limits small enough to reach: 4 requests an hour for a manager, 3 for a department's system (others stay high). */
const LIMITS = { RATE_LIMIT_MANAGER: '4', RATE_LIMIT_SYSTEM: '3', RATE_LIMIT_WINDOW: '3600' };

/**
 * Every authenticated caller is limited by its role, counted per caller in Redis (so every api
 * process shares one count), told where it stands in the RateLimit-Policy and RateLimit fields
 * (draft-ietf-httpapi-ratelimit-headers) and answered 429 with Retry-After past its limit.
 */
describe('rate limits of authenticated callers', () => {
  let app: INestApplication;
  let second: INestApplication;
  let adminToken: string;
  const saved: Record<string, string | undefined> = {};
  const u = unique();
  const PASSWORD = 'limited-pass-2026';

  beforeAll(async () => {
    for (const [k, v] of Object.entries(LIMITS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    // The api's own default language (Chinese) unless a request names another.
    app = await createApp(undefined, { readerLanguage: 'default' });
    second = await createApp(undefined, { readerLanguage: 'default' });
    adminToken = await login(app, 'admin', TEST_ENV.ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await app?.close();
    await second?.close();
    Object.assign(process.env, saved);
  });

  let serial = 0;
  async function newManager(): Promise<{ id: string; token: string }> {
    const username = `rate-${u}-${++serial}`;
    const res = await request(app.getHttpServer())
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ username, password: PASSWORD, role: 'manager' })
      .expect(201);
    return { id: res.body.id as string, token: await login(app, username, PASSWORD) };
  }

  const me = (token: string, server = app) =>
    request(server.getHttpServer()).get('/api/v1/users/me').set('Authorization', `Bearer ${token}`);

  /** The fields of one answer: the policy as sent, the remaining requests and the seconds of the window left. */
  function fields(res: request.Response): { policy: string; remaining: number; reset: number; name: string } {
    const match = /^"([a-z]+)";r=(\d+);t=(\d+)$/.exec(String(res.headers.ratelimit));
    if (!match) throw new Error(`RateLimit is ${String(res.headers.ratelimit)}`);
    return {
      policy: String(res.headers['ratelimit-policy']),
      name: match[1],
      remaining: Number(match[2]),
      reset: Number(match[3]),
    };
  }

  it('counts down a caller’s requests, then answers 429 with Retry-After, in Chinese by default and English on request', async () => {
    const { token } = await newManager();
    const remaining: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await me(token).expect(200);
      const f = fields(res);
      expect(f.policy).toBe('"manager";q=4;w=3600');
      expect(f.name).toBe('manager');
      expect(f.reset).toBeGreaterThan(0);
      expect(f.reset).toBeLessThanOrEqual(3600);
      remaining.push(f.remaining);
    }
    expect(remaining).toEqual([3, 2, 1, 0]);

    const refused = await me(token);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(fields(refused)).toEqual({
      policy: '"manager";q=4;w=3600',
      name: 'manager',
      remaining: 0,
      reset: retryAfter,
    });
    expect(refused.headers['content-language']).toBe('zh-CN');
    expect(refused.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: `请求过于频繁（每 3600 秒最多 4 次），请 ${retryAfter} 秒后再试`,
    });

    const english = await me(token).set('Accept-Language', 'en');
    expect(english.status).toBe(429);
    expect(english.body.message).toBe(
      `too many requests from this caller (limit 4 per 3600 s); try again in ${english.headers['retry-after']} s`,
    );
  });

  it('counts each caller apart: another manager is not refused when one is', async () => {
    const first = await newManager();
    const other = await newManager();
    for (let i = 0; i < 4; i++) await me(first.token).expect(200);
    await me(first.token).expect(429);
    const res = await me(other.token).expect(200);
    expect(fields(res).remaining).toBe(3);
  });

  it('limits a department’s system by the limit of the role system, counted per service account', async () => {
    const department = `RL-${u}`.toUpperCase();
    await request(app.getHttpServer())
      .post('/api/v1/departments')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ code: department, name: '限流测试部门' })
      .expect(201);
    const key = async (name: string) =>
      (
        await request(app.getHttpServer())
          .post('/api/v1/service-accounts')
          .set('Authorization', `Bearer ${adminToken}`)
          .send({ name: `rate-${name}-${u}`, departmentCode: department })
          .expect(201)
      ).body.apiKey as string;
    const [apiKey, otherKey] = [await key('a'), await key('b')];
    const tasks = (k: string) => request(app.getHttpServer()).get('/api/v1/tasks').set('Authorization', `Bearer ${k}`);
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await tasks(apiKey).expect(200);
      expect(res.headers['ratelimit-policy']).toBe('"system";q=3;w=3600');
      remaining.push(fields(res).remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const refused = await tasks(apiKey).expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(fields(await tasks(otherKey).expect(200)).remaining).toBe(2);
  });

  it('shares one count between api processes: requests split across two apps reach the limit together', async () => {
    const { token } = await newManager();
    const servers = [app, second, app, second];
    const remaining: number[] = [];
    for (const server of servers) remaining.push(fields(await me(token, server).expect(200)).remaining);
    expect(remaining).toEqual([3, 2, 1, 0]);
    await me(token, app).expect(429);
    await me(token, second).expect(429);
  });

  it('puts the fields on every authenticated answer, a refusal by role included, and none on public routes', async () => {
    const { token } = await newManager();
    const forbidden = await request(app.getHttpServer())
      .get('/api/v1/service-accounts')
      .set('Authorization', `Bearer ${token}`)
      .expect(403);
    expect(forbidden.headers['ratelimit-policy']).toBe('"manager";q=4;w=3600');
    expect(fields(forbidden).remaining).toBe(3);
    const loggedIn = await request(app.getHttpServer())
      .post('/api/v1/auth/login')
      .send({ username: 'admin', password: TEST_ENV.ADMIN_PASSWORD })
      .expect(200);
    expect(loggedIn.headers.ratelimit).toBeUndefined();
    expect(loggedIn.headers['ratelimit-policy']).toBeUndefined();
    const unauthenticated = await request(app.getHttpServer()).get('/api/v1/users/me').expect(401);
    expect(unauthenticated.headers.ratelimit).toBeUndefined();
  });

  it('counts in the process’s memory while Redis is down, refusing no request for Redis being away', async () => {
    const { id } = await newManager();
    const redisUrl = process.env.REDIS_URL;
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    let down: INestApplication | undefined;
    try {
      down = await createApp(undefined, { readerLanguage: 'default' });
      const token = await down.get(JwtService).signAsync({ sub: id, username: `rate-${u}-down`, role: 'manager' });
      const remaining: number[] = [];
      for (let i = 0; i < 4; i++) remaining.push(fields(await me(token, down).expect(200)).remaining);
      expect(remaining).toEqual([3, 2, 1, 0]);
      const refused = await me(token, down).expect(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      process.env.REDIS_URL = redisUrl;
      await down?.close();
    }
  });
});
