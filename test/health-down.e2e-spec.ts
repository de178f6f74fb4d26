import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { createApp } from './helpers.js';

describe('GET /health with Redis down', () => {
  let app: INestApplication;

  beforeAll(async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    app = await createApp();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers 503 naming Redis, with MySQL still up', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(503);
    expect(res.body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'redis is down',
      status: 'error',
    });
    expect(res.body.details).toEqual({
      mysql: expect.objectContaining({ status: 'up' }),
      redis: expect.objectContaining({ status: 'down' }),
    });
  });
});
