import { AuditEvent, Company, Department, Hall, User } from '#database';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

describe('identity', () => {
  let app: INestApplication;
  let db: DataSource;
  let adminToken: string;
  const u = unique();
  const hall = `H${u}`.slice(0, 32);
  const department = `D${u}`.slice(0, 32);
  const uscc = '91320594MA27UB8N3E';

  beforeAll(async () => {
    app = await createApp();
    db = app.get(getDataSourceToken());
    const createdAt = new Date();
    await db
      .getRepository(Hall)
      .insert({ code: hall, name: 'Test hall', level: 'centre', parentCode: null, createdAt });
    await db.getRepository(Department).insert({ code: department, name: 'Test department', createdAt });
    await db.getRepository(Company).upsert({ uscc, name: 'Test company', createdAt }, ['uscc']);
    adminToken = await login(app, 'admin', TEST_ENV.ADMIN_PASSWORD);
  });

  afterAll(async () => {
    await app.close();
  });

  const http = () => request(app.getHttpServer());
  const createUser = (body: object, token = adminToken) =>
    http().post('/api/v1/users').set('Authorization', `Bearer ${token}`).send(body);

  describe('login', () => {
    it('returns a token and the user for the right password', async () => {
      const res = await http()
        .post('/api/v1/auth/login')
        .send({ username: 'admin', password: TEST_ENV.ADMIN_PASSWORD })
        .expect(200);
      expect(res.body.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(res.body.user).toEqual({ id: expect.any(String), username: 'admin', role: 'admin' });
    });

    it('answers a wrong password and an unknown user alike, with 401', async () => {
      const wrong = await http()
        .post('/api/v1/auth/login')
        .send({ username: 'admin', password: 'not-the-password-1' })
        .expect(401);
      const unknown = await http()
        .post('/api/v1/auth/login')
        .send({ username: `nobody-${u}`, password: 'whatever-123' })
        .expect(401);
      expect(wrong.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'invalid username or password' });
      expect(unknown.body).toEqual(wrong.body);
    });

    it('records logins and failures in the audit trail', async () => {
      const name = `audited-${u}`;
      await http().post('/api/v1/auth/login').send({ username: name, password: 'whatever-123' }).expect(401);
      const rows = await db
        .getRepository(AuditEvent)
        .findBy({ subjectId: `unknown:${name}`, action: 'auth.login-failed' });
      expect(rows).toHaveLength(1);
    });

    it('refuses a body without a password with 400', async () => {
      const res = await http().post('/api/v1/auth/login').send({ username: 'admin' }).expect(400);
      expect(res.body.message).toContain('password must be a string');
    });
  });

  describe('tokens and roles', () => {
    it('answers 401 without a token', async () => {
      const res = await http().get('/api/v1/users/me').expect(401);
      expect(res.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.stringContaining('bearer token is required'),
      });
    });

    it('answers 401 for a forged or malformed token', async () => {
      const [head, body] = adminToken.split('.');
      await http().get('/api/v1/users/me').set('Authorization', `Bearer ${head}.${body}.forged`).expect(401);
      await http().get('/api/v1/users/me').set('Authorization', 'Basic YWRtaW46YWRtaW4=').expect(401);
      await http().get('/api/v1/users/me').set('Authorization', 'Bearer ').expect(401);
    });

    it('GET /users/me returns the signed-in user', async () => {
      const res = await http().get('/api/v1/users/me').set('Authorization', `Bearer ${adminToken}`).expect(200);
      expect(res.body).toMatchObject({ username: 'admin', role: 'admin' });
    });

    it('answers 403 when a role other than admin creates a user', async () => {
      await createUser({ username: `clerk-${u}`, password: 'clerk-pass-123', role: 'clerk', hallCode: hall }).expect(
        201,
      );
      const clerkToken = await login(app, `clerk-${u}`, 'clerk-pass-123');
      const res = await createUser(
        { username: `x-${u}`, password: 'whatever-123', role: 'manager' },
        clerkToken,
      ).expect(403);
      expect(res.body.message).toBe('role clerk may not do this; allowed: admin');
      expect(await db.getRepository(User).countBy({ username: `x-${u}` })).toBe(0);
    });
  });

  describe('POST /users', () => {
    it('creates an applicant bound to an existing company and audits it', async () => {
      const res = await createUser({
        username: `applicant-${u}`,
        password: 'applicant-123',
        role: 'applicant',
        companyUscc: uscc,
      }).expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        username: `applicant-${u}`,
        role: 'applicant',
        companyUscc: uscc,
      });
      const token = await login(app, `applicant-${u}`, 'applicant-123');
      const me = await http().get('/api/v1/users/me').set('Authorization', `Bearer ${token}`).expect(200);
      expect(me.body).toEqual(res.body);
      const audit = await db
        .getRepository(AuditEvent)
        .findBy({ subjectType: 'user', subjectId: res.body.id, action: 'user.created' });
      expect(audit).toHaveLength(1);
      expect(audit[0].payload).toMatchObject({ username: `applicant-${u}` });
    });

    it.each([
      [{ role: 'applicant' }, 'a user with role applicant needs companyUscc'],
      [{ role: 'approver' }, 'a user with role approver needs departmentCode'],
      [{ role: 'clerk' }, 'a user with role clerk needs hallCode'],
      [{ role: 'admin', hallCode: 'CENTRE' }, 'a user with role admin cannot have hallCode'],
      [{ role: 'applicant', companyUscc: '91110000600037341L' }, 'company 91110000600037341L does not exist'],
      [{ role: 'approver', departmentCode: 'NO-SUCH-DEPT' }, 'department NO-SUCH-DEPT does not exist'],
      [{ role: 'superuser' }, 'role must be one of applicant, clerk, approver, manager, admin'],
    ])('refuses %j with 400 and creates nothing', async (fields, message) => {
      const username = `bad-${unique()}`;
      const res = await createUser({ username, password: 'good-pass-123', ...fields }).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(message);
      expect(await db.getRepository(User).countBy({ username })).toBe(0);
    });

    it('refuses a weak password and an unknown field with 400', async () => {
      const weak = await createUser({ username: `weak-${u}`, password: 'onlyletters', role: 'manager' }).expect(400);
      expect(weak.body.message).toBe('password must contain a letter and a digit');
      const extra = await createUser({
        username: `extra-${u}`,
        password: 'good-pass-123',
        role: 'manager',
        isRoot: true,
      }).expect(400);
      expect(extra.body.message).toEqual(['property isRoot should not exist']);
    });

    it('answers 409 for a username that is taken', async () => {
      await createUser({ username: `twice-${u}`, password: 'good-pass-123', role: 'manager' }).expect(201);
      const res = await createUser({ username: `twice-${u}`, password: 'good-pass-123', role: 'manager' }).expect(409);
      expect(res.body.message).toBe(`username twice-${u} is taken`);
    });
  });
});
