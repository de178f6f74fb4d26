import type { INestApplication } from '@nestjs/common';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildWorld, randomUscc, type World, workingDays } from './fixtures/world.js';
import { createApp, eventually, unique } from './helpers.js';

/** Live updates pause while Redis is down; nothing else fails for them (docs/api.md, "Live updates"). */
describe('live updates with Redis down', () => {
  const u = unique().toUpperCase();
  const company = randomUscc();
  const redisUrl = process.env.REDIS_URL;
  let app: INestApplication;
  let world: World;

  beforeAll(async () => {
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    world = await buildWorld(app, {
      departments: [{ code: `LIVEDOWN-D-${u}`, name: '实时部门' }],
      halls: [{ code: `LIVEDOWN-H-${u}`, name: '实时大厅', level: 'centre' }],
      companies: [{ uscc: company, name: '实时公司' }],
      matters: [
        {
          code: `LIVEDOWN-M-${u}`,
          name: '实时事项',
          departmentCode: `LIVEDOWN-D-${u}`,
          promisedLimit: workingDays(5),
          legalLimit: workingDays(20),
          materials: [{ code: 'FORM', name: '申请表', required: true, key: true }],
          output: { kind: 'licence', name: '许可证' },
        },
      ],
      items: [
        {
          code: `LIVEDOWN-I-${u}`,
          name: '实时一件事',
          category: 'enterprise',
          calendarCode: 'always',
          promisedLimit: workingDays(10),
          steps: [{ key: 'main', matterCode: `LIVEDOWN-M-${u}`, dependsOn: [] }],
        },
      ],
      users: { clerk: { role: 'clerk', hallCode: `LIVEDOWN-H-${u}` } },
      username: (key) => `livedown-${key}-${u}`,
    });
  });

  afterAll(async () => {
    process.env.REDIS_URL = redisUrl;
  });

  it('opens the stream, takes changes as ever, and closes with the stream still open', async () => {
    const port = (app.getHttpServer().address() as AddressInfo).port;
    let text = '';
    let ended = false;
    let status = 0;
    const stream = get(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/events/stream',
        headers: { authorization: `Bearer ${world.tokens.clerk}` },
      },
      (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('close', () => (ended = true));
      },
    );
    stream.on('error', () => (ended = true));
    await eventually(async () => text.includes('event: ready'), 'the stream to open');
    expect(status).toBe(200);

    const http = request(app.getHttpServer());
    const submitted = await http
      .post('/api/v1/requests')
      .set('Authorization', `Bearer ${world.tokens.clerk}`)
      .send({
        itemCode: `LIVEDOWN-I-${u}`,
        form: {},
        materials: [{ code: 'FORM', reference: 'file:form.pdf' }],
        onBehalfOf: company,
      });
    expect(submitted.status).toBe(201);
    const accepted = await http
      .post(`/api/v1/requests/${submitted.body.id}/accept`)
      .set('Authorization', `Bearer ${world.tokens.clerk}`)
      .send({});
    expect([accepted.status, accepted.body.status]).toEqual([200, 'in_progress']);
    expect(text).not.toContain('data: {"type"');

    await app.close();
    await eventually(async () => ended, 'the stream to end with the api');
  });
});
