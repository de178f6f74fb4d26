import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { buildWorld, minuteReview, type World } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

/**
 * What a person reads in an error: Chinese unless they ask for English (Accept-Language or
 * ?lang=), from the one message catalogue. This app keeps the api's own default: no language is
 * added to a request that names none.
 */
describe('errors in the reader’s language', () => {
  let app: INestApplication;
  let world: World;
  const u = unique().toUpperCase();
  const ITEM = `LANG-${u}`;

  beforeAll(async () => {
    app = await createApp(undefined, { readerLanguage: 'default' });
    world = await buildWorld(app, {
      departments: [{ code: `LANG-D-${u}`, name: '语言测试部门' }],
      halls: [{ code: `LANG-H-${u}`, name: '语言测试大厅', level: 'centre' }],
      ...minuteReview({ item: ITEM, matter: `LANG-M-${u}`, departmentCode: `LANG-D-${u}` }, [
        { code: 'FORM', name: '申请表', required: true, key: true },
      ]),
      users: { manager: { role: 'manager' } },
      username: (key) => `lang-${key}-${u}`,
    });
  });

  afterAll(async () => {
    await app.close();
  });

  const http = () => request(app.getHttpServer());
  const manager = () => `Bearer ${world.tokens.manager}`;

  it('answers a wrong password in Chinese by default, in English on request', async () => {
    const body = { username: 'nobody-here', password: 'not-the-password-1' };
    const zh = await http().post('/api/v1/auth/login').send(body).expect(401);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(zh.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: '用户名或密码错误' });
    const en = await http().post('/api/v1/auth/login').set('Accept-Language', 'en-US,en;q=0.9').send(body).expect(401);
    expect(en.headers['content-language']).toBe('en');
    expect(en.body.message).toBe('invalid username or password');
  });

  it('names each field’s problem in Chinese, the field as the api names it', async () => {
    const res = await http().post('/api/v1/auth/login').send({ username: 42, password: 'x', extra: 1 }).expect(400);
    expect(res.body.message).toEqual(expect.arrayContaining(['不允许的字段 extra', 'username 必须是字符串']));
    const en = await http()
      .post('/api/v1/auth/login?lang=en')
      .send({ username: 42, password: 'x', extra: 1 })
      .expect(400);
    expect(en.body.message).toEqual(
      expect.arrayContaining(['property extra should not exist', 'username must be a string']),
    );
  });

  it('says in Chinese what was not found, and that a sign-in is needed', async () => {
    const missing = await http().get('/api/v1/requests/999999999').set('Authorization', manager()).expect(404);
    expect(missing.body.message).toBe('未找到办件 999999999');
    const item = await http().get(`/api/v1/items/NO-SUCH-${u}`).expect(404);
    expect(item.body.message).toBe(`未找到已发布的一件事 NO-SUCH-${u}`);
    const anonymous = await http().get('/api/v1/requests/1').expect(401);
    expect(anonymous.body.message).toBe('需要登录：请求须带 Authorization: Bearer <accessToken>');
    const route = await http().get('/api/v1/no-such-route').expect(404);
    expect(route.body.message).toBe('找不到 GET /api/v1/no-such-route');
  });

  it('refuses a role in Chinese, naming the roles that may', async () => {
    const res = await http()
      .post('/api/v1/departments')
      .set('Authorization', manager())
      .send({ code: `LANG-X-${u}`, name: '不应创建' })
      .expect(403);
    expect(res.body.message).toBe('角色 manager 无权进行此操作；允许的角色：admin');
  });

  it('says a state the request cannot leave in Chinese, with the state’s words the console uses', async () => {
    const version = await http()
      .post(`/api/v1/items/${ITEM}/versions/1/publish`)
      .set('Authorization', `Bearer ${world.tokens.admin}`)
      .expect(409);
    expect(version.body.message).toBe(`一件事 ${ITEM} 的第 1 版已是已发布：只有草稿可以发布`);
    expect(version.body.state).toBe('published');
  });

  it('keeps the machine-readable parts as they are: status, error and state stay English codes', async () => {
    const res = await http().post('/api/v1/auth/login').set('Accept-Language', 'zh-CN').send({}).expect(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    expect((res.body.message as string[]).every((m) => /[\u4e00-\u9fff]/.test(m))).toBe(true);
  });
});
