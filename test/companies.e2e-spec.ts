import { usccCheckCharacter } from '#companies';
import { AuditEvent, Company } from '#database';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { apiOf, buildWorld, randomUscc } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';

/** The same code with another, wrong, check character. */
const withWrongCheck = (uscc: string) => uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');

describe('companies', () => {
  let app: INestApplication;
  let db: DataSource;
  const u = unique();
  let tokens: Record<string, string> = {};
  const own = randomUscc();
  const other = randomUscc();

  const { http, post, get } = apiOf(() => app);
  const create = (body: object, token: string | null = tokens.admin) => post('/companies', token, body);
  const read = (uscc: string, token: string | null) => get(`/companies/${encodeURIComponent(uscc)}`, token);

  beforeAll(async () => {
    app = await createApp();
    db = app.get(getDataSourceToken());
    const hall = `H-${u}`.toUpperCase();
    const department = `D-${u}`.toUpperCase();
    ({ tokens } = await buildWorld(app, {
      departments: [{ code: department, name: 'Test department' }],
      halls: [{ code: hall, name: 'Test hall', level: 'centre' }],
      companies: [{ uscc: own, name: '本公司' }],
      users: {
        clerk: { role: 'clerk', hallCode: hall },
        manager: { role: 'manager' },
        approver: { role: 'approver', departmentCode: department },
        applicant: { role: 'applicant', companyUscc: own },
      },
      username: (role) => `${role}-${u}`,
    }));
  });

  afterAll(async () => {
    await app.close();
  });

  describe('POST /companies', () => {
    it('normalises case, spaces and hyphens, stores the company and audits it', async () => {
      const typed = `${other.slice(0, 8)}-${other.slice(8, 12).toLowerCase()} ${other.slice(12)}`;
      const res = await create({ uscc: typed, name: '他公司' }).expect(201);
      expect(res.body).toEqual({ uscc: other, name: '他公司' });
      expect(await db.getRepository(Company).findOneBy({ uscc: other })).toMatchObject({ name: '他公司' });
      const audit = await db.getRepository(AuditEvent).findBy({ subjectType: 'company', subjectId: other });
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'company.created',
          actorRole: 'admin',
          payload: { uscc: other, name: '他公司' },
        }),
      ]);
    });

    it('lets a clerk register a company', async () => {
      const uscc = randomUscc();
      await create({ uscc, name: '窗口代办公司' }, tokens.clerk).expect(201);
    });

    it('answers a company registered twice with 409', async () => {
      const res = await create({ uscc: other.toLowerCase(), name: 'again' }).expect(409);
      expect(res.body.message).toBe(`company ${other} already exists`);
    });

    it('refuses a wrong length, naming it', async () => {
      const res = await create({ uscc: own.slice(0, 17), name: 'x' }).expect(400);
      expect(res.body.message).toBe('uscc must be 18 characters (spaces and hyphens aside); got 17');
    });

    it('refuses a character outside the alphabet, naming it and its place', async () => {
      const res = await create({ uscc: `${own.slice(0, 4)}O${own.slice(5)}`, name: 'x' }).expect(400);
      expect(res.body.message).toBe(
        'uscc character 5 (O) is outside the GB 32100-2015 alphabet: digits and capital letters except I, O, S, V and Z',
      );
    });

    it('refuses a wrong check character, saying which one was expected, and stores nothing', async () => {
      const wrong = withWrongCheck(randomUscc());
      const res = await create({ uscc: wrong, name: 'x' }).expect(400);
      expect(res.body.message).toBe(
        `uscc check character (the 18th) is ${wrong[17]}, but GB 32100-2015 expects ${usccCheckCharacter(wrong.slice(0, 17))} after ${wrong.slice(0, 17)}`,
      );
      expect(await db.getRepository(Company).countBy({ uscc: wrong })).toBe(0);
    });

    it.each([
      ['a uscc that is not a string', { uscc: 913205940, name: 'x' }, 'uscc must be a string'],
      [
        'a 65-character uscc',
        { uscc: '9'.repeat(65), name: 'x' },
        'uscc must be shorter than or equal to 64 characters',
      ],
      ['a blank name', { uscc: randomUscc(), name: ' ' }, 'name must not be blank'],
      [
        'a 201-character name',
        { uscc: randomUscc(), name: 'x'.repeat(201) },
        'name must be shorter than or equal to 200',
      ],
      ['an unknown field', { uscc: randomUscc(), name: 'x', verified: true }, 'property verified should not exist'],
    ])('refuses %s with 400', async (_case, body, message) => {
      const res = await create(body).expect(400);
      expect(JSON.stringify(res.body.message)).toContain(message);
    });

    it('answers 401 without a token and 403 for roles other than admin and clerk', async () => {
      await create({ uscc: randomUscc(), name: 'x' }, null).expect(401);
      for (const role of ['applicant', 'approver', 'manager']) {
        const res = await create({ uscc: randomUscc(), name: 'x' }, tokens[role]).expect(403);
        expect(res.body.message).toBe(`role ${role} may not do this; allowed: admin, clerk`);
      }
    });
  });

  describe('GET /companies/{uscc}', () => {
    it.each(['admin', 'clerk', 'manager', 'approver'])('shows any company to the %s', async (role) => {
      const res = await read(other, tokens[role]).expect(200);
      expect(res.body).toEqual({ uscc: other, name: '他公司' });
    });

    it('shows an applicant their own company, however they type its code', async () => {
      await read(own, tokens.applicant).expect(200, { uscc: own, name: '本公司' });
      await read(own.toLowerCase(), tokens.applicant).expect(200);
    });

    it('answers an applicant asking for another company exactly as for one that does not exist: 404, never 403', async () => {
      const theirs = await read(other, tokens.applicant).expect(404);
      const absent = randomUscc();
      const nobody = await read(absent, tokens.applicant).expect(404);
      expect(theirs.body).toEqual({ statusCode: 404, error: 'Not Found', message: `company ${other} not found` });
      expect(nobody.body).toEqual({ statusCode: 404, error: 'Not Found', message: `company ${absent} not found` });
      await read(absent, tokens.admin).expect(404);
    });

    it('refuses a code that cannot be one with 400 and asks for a token', async () => {
      const res = await read(withWrongCheck(own), tokens.admin).expect(400);
      expect(res.body.message).toMatch(/^uscc check character \(the 18th\) is/);
      await read(own, null).expect(401);
    });
  });

  it('describes both routes in the OpenAPI document with their error responses', async () => {
    const res = await http().get('/api/docs-json').expect(200);
    const responses = (path: string, method: string) => Object.keys(res.body.paths[path][method].responses).sort();
    // Beside the routes' own answers: 500 and 503 everywhere, 429 once signed in, 413 and 415 where a body is read.
    expect(responses('/api/v1/companies', 'post')).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '415',
      '429',
      '500',
      '503',
    ]);
    expect(responses('/api/v1/companies/{uscc}', 'get')).toEqual(['200', '400', '401', '404', '429', '500', '503']);
  });
});
