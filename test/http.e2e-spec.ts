import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from './helpers.js';

describe('HTTP basics', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await createApp();
  });

  afterAll(async () => {
    await app.close();
  });

  const http = () => request(app.getHttpServer());

  it('GET /health is 200 when MySQL and Redis answer, for checks arriving together on a fresh start', async () => {
    // The first checks of a new process: all but the one that opened the connection to Redis used to
    // find it still connecting and answered 503 "redis is down".
    const answers = await Promise.all(Array.from({ length: 5 }, () => http().get('/health')));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
    const res = await http().get('/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info).toMatchObject({ mysql: { status: 'up' }, redis: { status: 'up' } });
  });

  it('answers a body over 1 MB with 413', async () => {
    const res = await http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ username: 'a'.repeat(1_100_000), password: 'x' }))
      .expect(413);
    expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
  });

  it('answers malformed JSON with 400', async () => {
    const res = await http()
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"username": "admin",')
      .expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(typeof res.body.message).toBe('string');
  });

  it('answers an unknown field with 400 naming it', async () => {
    const res = await http().post('/api/v1/auth/login').send({ username: 'a', password: 'b', admin: true }).expect(400);
    expect(res.body.message).toEqual(['property admin should not exist']);
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await http().get('/api/v1/no-such-thing').expect(404);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /api/v1/no-such-thing' });
  });

  it('answers a bad query parameter with 400', async () => {
    const res = await http().post('/api/v1/auth/login').send({ username: 'admin', password: 'wrong-pass-1' });
    expect(res.status).toBe(401);
    const list = await http().get('/api/v1/notifications?limit=1000').set('Authorization', 'Bearer nope');
    expect(list.status).toBe(401);
  });

  it('sets security headers and echoes a request id', async () => {
    const res = await http().get('/health').set('X-Request-Id', 'trace-123');
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const generated = await http().get('/health');
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI 3 document covering every route with its error responses', async () => {
    const res = await http().get('/api/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/auth/login',
        '/api/v1/users',
        '/api/v1/users/me',
        '/api/v1/notifications',
        '/health',
      ]),
    );
    const createUser = res.body.paths['/api/v1/users'].post;
    expect(Object.keys(createUser.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '409']));
    expect(res.body.components.schemas.CreateUserDto.required).toEqual(
      expect.arrayContaining(['username', 'password', 'role']),
    );
    await http().get('/api/docs').expect(200);
  });
});
