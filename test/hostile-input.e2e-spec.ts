import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { MAX_JSON_ITEMS } from '../apps/api/src/http/json-depth.js';
import { MAX_VALIDATION_MESSAGES } from '../apps/api/src/http/validation-messages.js';
import { RawHttp } from './fuzz/raw-http.js';
import { apiOf, buildWorld, messageText, randomUscc, workingDays } from './fixtures/world.js';
import { createApp, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

/** Injection, markup, emoji (a ZWJ sequence, a flag, a presentation selector), 4-byte CJK, odd spaces. */
const HOSTILE = `'; DROP TABLE service_requests; -- <script>alert(1)</script> 😀👨‍👩‍👧🏳️‍🌈A\uFE0F 𠀀𪚥 \u202E\u200B\u3000 "\\ %_`;

/** `text` repeated and cut to exactly `n` code points, as a utf8mb4 column counts them. */
const codePoints = (text: string, n: number) => {
  const points = [...text];
  return Array.from({ length: n }, (_, i) => points[i % points.length]).join('');
};

describe('hostile input is a clear 4xx or kept byte for byte', () => {
  let app: INestApplication;
  let db: DataSource;
  /** Bytes as given, no content type added: supertest always names one. */
  let raw: RawHttp;
  const u = unique().toUpperCase();
  const code = (name: string) => `HI-${name}-${u}`;
  let tokens: Record<string, string> = {};
  const company = randomUscc();
  const ITEM = code('ITEM');
  const DEPT = code('D');

  const { http, post, get } = apiOf(() => app);
  const postRaw = (path: string, text: string | Buffer, headers: Record<string, string> = {}) => {
    const req = http().post(`/api/v1${path}`).set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send(text);
  };

  const submission = (form: object = { companyName: '示范' }) => ({
    itemCode: ITEM,
    form,
    materials: [
      { code: 'A', reference: 'file:a.pdf' },
      { code: 'B', reference: 'file:b.pdf' },
    ],
  });

  async function submit(form?: object): Promise<string> {
    const res = await post('/requests', tokens.applicant, submission(form)).expect(201);
    return res.body.id as string;
  }

  async function accepted(): Promise<string> {
    const id = await submit();
    await post(`/requests/${id}/accept`, tokens.clerk).expect(200);
    return id;
  }

  /** What a request looks like to its applicant, and the audit actions recorded on it. */
  async function state(id: string): Promise<{ view: Record<string, unknown>; audit: string[] }> {
    const view = (await get(`/requests/${id}`, tokens.applicant).expect(200)).body as Record<string, unknown>;
    const rows = (await db.query(
      "SELECT action FROM audit_events WHERE subject_type = 'request' AND subject_id = ? ORDER BY id",
      [id],
    )) as { action: string }[];
    return { view, audit: rows.map((r) => r.action) };
  }

  beforeAll(async () => {
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    raw = new RawHttp((app.getHttpServer().address() as AddressInfo).port);
    db = app.get(getDataSourceToken());
    ({ tokens } = await buildWorld(app, {
      departments: [{ code: DEPT, name: '部门' }],
      halls: [{ code: code('H'), name: '大厅', level: 'centre' }],
      matters: [
        {
          code: code('M'),
          name: '事项',
          departmentCode: DEPT,
          promisedLimit: workingDays(1),
          legalLimit: workingDays(5),
          materials: [
            { code: 'A', name: '材料A', required: true, key: true },
            { code: 'B', name: '材料B', required: true, key: false },
          ],
          output: { kind: 'licence', name: '许可证' },
        },
      ],
      items: [
        {
          code: ITEM,
          name: '一件事',
          category: 'enterprise',
          calendarCode: 'always',
          promisedLimit: workingDays(3),
          steps: [{ key: 'only', matterCode: code('M') }],
        },
      ],
      companies: [{ uscc: company, name: '示范公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        clerk: { role: 'clerk', hallCode: code('H') },
        approver: { role: 'approver', departmentCode: DEPT },
      },
      username: (role) => `hi-${role}-${u}`,
    }));
  });

  afterAll(async () => {
    raw.close();
    await app.close();
  });

  describe('bodies that do not parse', () => {
    it('answers JSON that is an array, a string, a number or null, not an object, with 400 saying so', async () => {
      for (const text of ['"[object Object]"', ' 1', 'null', 'true', '[]', ' [{"username":"admin"}]']) {
        const res = await postRaw('/auth/login', text).expect(400);
        expect(res.body).toEqual({
          statusCode: 400,
          error: 'Bad Request',
          message: 'request body must be a JSON object',
        });
      }
    });

    it('answers malformed JSON with 400 saying it is not JSON and where', async () => {
      const res = await postRaw('/auth/login', '{"username": "admin",').expect(400);
      expect(res.body.message).toMatch(/^request body is not valid JSON: .*JSON/);
    });

    it('answers a compressed body that does not inflate, or an unknown Content-Encoding, with a 4xx naming it', async () => {
      for (const encoding of ['gzip', 'deflate', 'br']) {
        const res = await postRaw('/auth/login', '{}', { 'Content-Encoding': encoding }).expect(400);
        expect(res.body.message).toBe('request body does not decompress as its Content-Encoding says');
      }
      const unknown = await postRaw('/auth/login', '{}', { 'Content-Encoding': 'x-zip' }).expect(415);
      expect(messageText(unknown.body)).toContain('Content-Encoding x-zip is not supported');
    });

    it('answers a body that is not JSON with 415 naming the content type to send, even a valid login as a form', async () => {
      const types = [
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
      ];
      for (const type of types) {
        const res = await http()
          .post('/api/v1/auth/login')
          .set('Content-Type', type)
          .send(`username=admin&password=${TEST_ENV.ADMIN_PASSWORD}`)
          .expect(415);
        expect(res.body).toEqual({
          statusCode: 415,
          error: 'Unsupported Media Type',
          message: `request body must be JSON sent with Content-Type: application/json, not ${type}`,
        });
      }
      const untyped = await raw.send({
        method: 'POST',
        path: '/api/v1/auth/login',
        headers: {},
        body: Buffer.from('{}'),
      });
      expect(untyped.status).toBe(415);
      expect(JSON.parse(untyped.text).message).toBe(
        'request body must be JSON sent with Content-Type: application/json',
      );
    });

    it('takes a JSON body whatever the case of its type or its charset parameter', async () => {
      for (const type of ['APPLICATION/JSON', 'application/json; charset=utf-8']) {
        await http()
          .post('/api/v1/auth/login')
          .set('Content-Type', type)
          .send('{"username":"admin","password":"x"}')
          .expect(401);
      }
    });

    it('answers a key written twice with 400 naming it and where, instead of silently keeping the last', async () => {
      const login = `{"username":"nobody","password":"x","username":"admin","password":"${TEST_ENV.ADMIN_PASSWORD}"}`;
      const res = await postRaw('/auth/login', login).expect(400);
      expect(res.body.message).toBe('request body has the key "username" twice at the top level: send each key once');
      const nested = await postRaw('/auth/login', '{"username":"a","password":"b","x":[{"k":1},{"k":1,"\\u006b":2}]}');
      expect(nested.status).toBe(400);
      expect(nested.body.message).toBe('request body has the key "k" twice in x[1]: send each key once');
    });

    it('refuses an empty array as a withdrawal with 400: a body that must be empty is still an object', async () => {
      const id = await submit();
      const before = await state(id);
      const res = await postRaw(`/requests/${id}/withdraw`, '[]', { Authorization: `Bearer ${tokens.applicant}` });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('request body must be a JSON object');
      expect(await state(id)).toEqual(before);
    });

    it('refuses a reason written twice with 400, and the request stays as it was', async () => {
      const id = await submit();
      const before = await state(id);
      const res = await postRaw(`/requests/${id}/refuse`, '{"reason":"材料齐全","reason":"不予受理"}', {
        Authorization: `Bearer ${tokens.clerk}`,
      }).expect(400);
      expect(res.body.message).toBe('request body has the key "reason" twice at the top level: send each key once');
      expect(await state(id)).toEqual(before);
    });

    it('answers a body over 1 MB with 413 saying how large a body may be', async () => {
      const res = await postRaw('/auth/login', `{"username":"${'a'.repeat(1_100_000)}"}`).expect(413);
      expect(res.body.message).toBe('request body is larger than 1 MB');
    });
  });

  describe('keys the framework would drop', () => {
    it('refuses a key named prototype, which Nest deletes at any depth, with 400 naming it, and stores nothing', async () => {
      const uscc = randomUscc();
      const top = await post('/companies', tokens.admin, { uscc, name: '示范', prototype: -1 }).expect(400);
      expect(top.body.message).toBe('request body has a key named prototype, which this api does not accept anywhere');
      await get(`/companies/${uscc}`, tokens.admin).expect(404);
      const form = await post('/requests', tokens.applicant, submission({ a: { prototype: 'kept?' } })).expect(400);
      expect(form.body.message).toContain('key named prototype');
    });
    it('refuses unknown keys named like object methods with 400, in the body, nested and in the query', async () => {
      const uscc = randomUscc();
      const top = await post('/companies', tokens.admin, { uscc, name: '示范', toString: 'x' }).expect(400);
      expect(top.body.message).toEqual(['property toString should not exist']);
      await get(`/companies/${uscc}`, tokens.admin).expect(404);
      const id = await accepted();
      const before = await state(id);
      const nested = await post(`/requests/${id}/steps/only/approve`, tokens.approver, { valueOf: 1 }).expect(400);
      expect(nested.body.message).toEqual(['property valueOf should not exist']);
      expect(await state(id)).toEqual(before);
      const query = await get('/departments?hasOwnProperty=1').expect(400);
      expect(query.body.message).toEqual(['property hasOwnProperty should not exist']);
    });
  });

  describe('null where a field is optional', () => {
    it('reads a null onBehalfOf as none: a clerk is asked for it with 400, an applicant submits as without it', async () => {
      const [{ n: before }] = (await db.query('SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc = ?', [
        company,
      ])) as { n: string }[];
      const clerk = await post('/requests', tokens.clerk, { ...submission(), onBehalfOf: null }).expect(400);
      expect(clerk.body.message).toBe(
        'onBehalfOf is required: a clerk submits on behalf of a company (代办), named by its USCC',
      );
      const [{ n: after }] = (await db.query('SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc = ?', [
        company,
      ])) as { n: string }[];
      expect(Number(after)).toBe(Number(before));
      const own = await post('/requests', tokens.applicant, { ...submission(), onBehalfOf: null }).expect(201);
      expect(own.body).toMatchObject({ companyUscc: company, onBehalfOf: null });
    });
  });

  describe('huge arrays', () => {
    it(`refuses a body of more than ${MAX_JSON_ITEMS} items before validating it, with 400 naming the limit`, async () => {
      const id = await submit();
      const before = await state(id);
      const body = { deferredMaterials: Array.from({ length: MAX_JSON_ITEMS }, () => ({})) };
      const res = await post(`/requests/${id}/accept`, tokens.clerk, body).expect(400);
      expect(res.body.message).toBe(
        `request body has more than ${MAX_JSON_ITEMS} items (array elements and object members)`,
      );
      expect(await state(id)).toEqual(before);
    });

    it('answers a list far longer than its field allows with its size and a bounded list of problems', async () => {
      const id = await submit();
      const body = { deferredMaterials: Array.from({ length: 3000 }, () => ({ code: 'B', dueInWorkingDays: 0 })) };
      const res = await post(`/requests/${id}/accept`, tokens.clerk, body).expect(400);
      expect(res.body.message[0]).toBe('deferredMaterials must contain no more than 200 elements');
      expect(res.body.message).toHaveLength(MAX_VALIDATION_MESSAGES + 1);
      expect(res.body.message.at(-1)).toMatch(/^and \d+ more problems of the same body$/);
      expect((await state(id)).view.status).toBe('submitted');
    });

    it('refuses a list of lists where a list of objects is expected, naming the field', async () => {
      const id = await submit();
      const before = await state(id);
      const accept = await post(`/requests/${id}/accept`, tokens.clerk, {
        deferredMaterials: [[{ code: 'B', dueInWorkingDays: 5 }]],
      }).expect(400);
      expect(accept.body.message).toEqual(['each of deferredMaterials must be an object']);
      const materials = [[{ code: 'A', name: '材料A', required: true, key: true }]];
      const matter = await post('/matters', tokens.admin, {
        code: code('NESTED'),
        name: '嵌套',
        departmentCode: DEPT,
        promisedLimit: { value: 1, unit: 'workingDays' },
        legalLimit: { value: 1, unit: 'workingDays' },
        materials,
        output: { kind: 'k', name: 'n' },
      }).expect(400);
      expect(matter.body.message).toEqual(['each of materials must be an object']);
      expect(await db.query('SELECT code FROM matters WHERE code = ?', [code('NESTED')])).toEqual([]);
      expect(await state(id)).toEqual(before);
    });
  });

  describe('text is kept byte for byte up to its column, and refused past it naming the field', () => {
    it('stores a company name of exactly 200 characters of injection, markup, emoji and 4-byte text as sent', async () => {
      const uscc = randomUscc();
      const name = codePoints(HOSTILE, 200);
      expect(name.length).toBeGreaterThan(200);
      await post('/companies', tokens.admin, { uscc, name }).expect(201);
      expect((await get(`/companies/${uscc}`, tokens.admin).expect(200)).body).toEqual({ uscc, name });
    });

    it('refuses a company name of 201 characters with 400 naming the field, and stores nothing', async () => {
      const uscc = randomUscc();
      const res = await post('/companies', tokens.admin, { uscc, name: codePoints(HOSTILE, 201) }).expect(400);
      expect(res.body.message).toEqual(['name must be shorter than or equal to 200 characters']);
      await get(`/companies/${uscc}`, tokens.admin).expect(404);
    });

    it('keeps form values of any text, control characters and 200 KB strings included, as sent', async () => {
      const form = {
        companyName: HOSTILE,
        control: '\u0000\u0001\u0007\u001b[31m\r\n\t\u007f',
        long: codePoints(HOSTILE, 60_000),
        nested: { list: [HOSTILE, 1.5, -0.25, 1e21, null, true, { '😀': '𠀀' }], '': 'empty key', ' ': 'space key' },
      };
      const id = await submit(form);
      const read = await get(`/requests/${id}`, tokens.applicant).expect(200);
      expect(read.body.form).toEqual(form);
      expect(read.body.form.long).toBe(form.long);
    });

    it('refuses a form over 256 KB as JSON with 400 naming the field, and creates nothing', async () => {
      const [{ n: before }] = (await db.query('SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc = ?', [
        company,
      ])) as { n: string }[];
      const res = await post('/requests', tokens.applicant, submission({ big: '字'.repeat(90_000) })).expect(400);
      expect(res.body.message).toEqual(['form must be at most 262144 bytes as JSON']);
      const [{ n: after }] = (await db.query('SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc = ?', [
        company,
      ])) as { n: string }[];
      expect(Number(after)).toBe(Number(before));
    });

    it('keeps a refuse reason of exactly 1000 characters as sent, and refuses 1001 naming reason', async () => {
      const id = await submit();
      const before = await state(id);
      const tooLong = await post(`/requests/${id}/refuse`, tokens.clerk, { reason: codePoints(HOSTILE, 1001) });
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.message).toEqual(['reason must be shorter than or equal to 1000 characters']);
      expect(await state(id)).toEqual(before);
      const reason = codePoints(HOSTILE, 1000);
      const refused = await post(`/requests/${id}/refuse`, tokens.clerk, { reason }).expect(200);
      expect(refused.body.outcomeReason).toBe(reason);
      expect((await state(id)).view.outcomeReason).toBe(reason);
    });

    it('keeps a supplement note, an output number and an approval comment at their limits as sent', async () => {
      const asked = await submit();
      const note = codePoints(HOSTILE, 1000);
      await post(`/requests/${asked}/supplement-requests`, tokens.clerk, { materials: ['B'], note }).expect(200);
      expect((await state(asked)).view.supplement).toMatchObject({ materials: ['B'], note });

      const id = await accepted();
      const outputNumber = codePoints(HOSTILE, 64);
      const comment = codePoints(HOSTILE, 1000);
      const long = await post(`/requests/${id}/steps/only/approve`, tokens.approver, {
        outputNumber: codePoints(HOSTILE, 65),
        comment,
      }).expect(400);
      expect(long.body.message).toEqual(['outputNumber must be shorter than or equal to 64 characters']);
      await post(`/requests/${id}/steps/only/approve`, tokens.approver, { outputNumber, comment }).expect(200);
      const { view } = await state(id);
      expect(view.outputs).toEqual([expect.objectContaining({ number: outputNumber })]);
      expect(view.steps).toEqual([expect.objectContaining({ note: comment })]);
    });

    it('answers an injection in a login with 401 like any wrong name, and a name past 64 characters with 400', async () => {
      for (const username of ["admin' --", "' OR '1'='1", HOSTILE.slice(0, 60)]) {
        await post('/auth/login', undefined, { username, password: "' OR '1'='1" }).expect(401);
      }
      const res = await post('/auth/login', undefined, { username: codePoints(HOSTILE, 65), password: 'x' }).expect(
        400,
      );
      expect(res.body.message).toEqual(['username must be shorter than or equal to 64 characters']);
    });
  });

  describe('limits, cursors and dates out of range', () => {
    it('answers a negative, zero, fractional, too large or non-numeric limit with 400 saying what a limit is', async () => {
      const cases: [string, string][] = [
        ['-1', 'limit must not be less than 1'],
        ['0', 'limit must not be less than 1'],
        ['0.5', 'limit must be an integer'],
        ['2.5', 'limit must be an integer'],
        ['101', 'limit must not be greater than 100'],
        ['1e9', 'limit must not be greater than 100'],
        ['abc', 'limit must be an integer'],
      ];
      for (const [limit, message] of cases) {
        for (const path of ['/requests', `/departments`, '/notifications']) {
          const res = await get(`${path}?limit=${limit}`, tokens.applicant).expect(400);
          expect(res.body.message).toContain(message);
        }
      }
    });

    it('answers a cursor this api did not hand out with 400 saying so', async () => {
      for (const cursor of ['%00', 'LTE', Buffer.from('1 OR 1=1').toString('base64url'), 'x'.repeat(64)]) {
        const res = await get(`/requests?cursor=${cursor}`, tokens.applicant).expect(400);
        expect(res.body.message).toBe('cursor is not one this api returned');
      }
      const long = await get(`/requests?cursor=${'x'.repeat(65)}`, tokens.applicant).expect(400);
      expect(long.body.message).toEqual(['cursor must be shorter than or equal to 64 characters']);
    });

    it('answers calendar dates that do not exist or are out of range with 400 naming the parameter', async () => {
      const days = (query: string) => get(`/calendars/zone/days?${query}`, tokens.applicant);
      expect((await days('from=2026-02-30&to=2026-03-01').expect(400)).body.message).toBe(
        'from must be a real date written YYYY-MM-DD',
      );
      expect((await days('from=2026-03-01&to=2026-13-01').expect(400)).body.message).toBe(
        'to must be a real date written YYYY-MM-DD',
      );
      expect((await days('from=99999-01-01&to=2026-01-01').expect(400)).body.message).toEqual([
        'from must be a date written YYYY-MM-DD',
      ]);
      expect((await days('from=2026-03-01&to=2026-02-01').expect(400)).body.message).toBe('to must not be before from');
      expect((await days('from=2026-01-01&to=2027-06-01').expect(400)).body.message).toBe(
        'at most 366 days are listed at once',
      );
      const due = (query: string) => get(`/calendars/zone/due?${query}&value=1&unit=workingDays`, tokens.applicant);
      expect((await due('from=2026-02-30T10:00:00%2B08:00').expect(400)).body.message).toEqual([
        'from must be an ISO 8601 instant with its offset',
      ]);
      expect((await due('from=99999-01-01T00:00:00Z').expect(400)).body.message).toEqual([
        'from must be an ISO 8601 instant with its offset',
      ]);
      expect((await due('from=1999-12-31T23:59:59Z').expect(400)).body.message).toBe(
        'from must be an instant between the years 2000 and 2100',
      );
      expect((await due('from=2026-03-02T10:00:00').expect(400)).body.message).toEqual([
        'from must end with its offset (Z or ±HH:MM)',
      ]);
    });

    it('refuses to set a calendar day that does not exist, and the calendar stays as it was', async () => {
      const revision = async () =>
        (await db.query("SELECT revision FROM calendars WHERE code = 'zone'")) as { revision: string }[];
      const before = await revision();
      for (const date of ['2026-02-30', '2026-00-01', '0000-01-01']) {
        const res = await http()
          .put(`/api/v1/calendars/zone/days/${date}`)
          .set('Authorization', `Bearer ${tokens.admin}`)
          .send({ working: false, name: HOSTILE })
          .expect(400);
        expect(res.body.message).toBe('date must be a real date written YYYY-MM-DD');
      }
      expect(await revision()).toEqual(before);
    });

    it('refuses a special procedure ending in the past, past a year, or on a date that does not exist', async () => {
      const id = await accepted();
      const before = await state(id);
      const start = (endsAt: string) =>
        post(`/requests/${id}/steps/only/special-procedures`, tokens.approver, { reason: HOSTILE, endsAt });
      expect((await start('2020-01-01T00:00:00Z').expect(400)).body.message).toBe('endsAt must be in the future');
      expect((await start('2099-01-01T00:00:00Z').expect(400)).body.message).toBe('endsAt must be within a year');
      expect((await start('2026-02-30T10:00:00+08:00').expect(400)).body.message).toEqual([
        'endsAt must be an ISO 8601 instant with its offset',
      ]);
      expect((await start('+099999-01-01T00:00:00Z').expect(400)).body.message).toEqual([
        'endsAt must be an ISO 8601 instant with its offset',
      ]);
      expect(await state(id)).toEqual(before);
    });
  });
});
