import { USCC_ALPHABET, usccCheckCharacter } from '#companies';
import type { Role } from '#database';
import { ModulesContainer } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { ROLES_KEY } from '../apps/api/src/http/decorators.js';
import { DbFingerprint, type Fingerprint } from './fuzz/db-fingerprint.js';
import { hostileString, hostileText, hostileValue, ODD_CURSORS, ODD_IDS, ODD_NUMBER_TEXTS } from './fuzz/hostile.js';
import {
  type Hints,
  jsonWithDuplicateKey,
  type Mutation,
  mutate,
  mutation,
  type OpenApiDocument,
  type Parameter,
  Pick,
  type Pools,
  resolvePicks,
  type Route,
  routesOf,
  SchemaArbitraries,
} from './fuzz/openapi-arbitraries.js';
import { parameterFault, schemaFault } from './fuzz/openapi-check.js';
import { percentEncode, RawHttp, type RawResponse } from './fuzz/raw-http.js';
import { createApp, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

/**
 * Property-based fuzzing of every route the OpenAPI document lists, with values generated from
 * the DTOs' schemas and hostile ones mixed in, against the real app on MySQL and Redis. For each
 * case: no status of 500 or above, an error body that says what is wrong, and a request that was
 * refused (or only read) left the database as it was.
 *
 * The seed is fixed so a run can be repeated; FUZZ_SEED picks another, FUZZ_RUNS runs more cases,
 * FUZZ_PATH (printed with a failure, with its seed) replays the failing batch, and FUZZ_VERBOSE
 * prints the answers per route, the messages of the refusals and where the time went.
 */
const DEFAULT_SEED = 20_261_126;
const MIN_CASES = 10_000;
/** Cases per property run, and how many of its reads and sure refusals are in flight at once. */
const BATCH = 10;
const CONCURRENCY = 5;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED;
const RUNS = Math.max(MIN_CASES, Number(process.env.FUZZ_RUNS ?? 0));
const REPLAY_PATH = process.env.FUZZ_PATH;

const PASSWORD = 'fuzz-pass-2026';
const ROLE_NAMES: Role[] = ['applicant', 'clerk', 'approver', 'manager', 'admin'];

/** A valid USCC: 91 (enterprise), a region, `serial` in the USCC alphabet, its check character. */
function uscc(region: string, serial: number): string {
  let subject = '';
  for (let i = 0, n = serial; i < 9; i++, n = Math.floor(n / 31)) subject = USCC_ALPHABET[n % 31] + subject;
  const first17 = `91${region}${subject}`;
  return first17 + usccCheckCharacter(first17)!;
}

// ---- what a case is -------------------------------------------------------------------------------

type Auth =
  | { kind: 'role'; allowed: boolean; index: number }
  | { kind: 'none' }
  | { kind: 'header'; value: string | string[] }
  | { kind: 'forged'; forgery: Forgery };

type Forgery = 'wrong-secret' | 'alg-none' | 'expired' | 'unknown-role' | 'tampered' | 'lowercase-scheme';

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; mutations: Mutation[] }
  | { kind: 'duplicate-key'; value: unknown; at: number; duplicate: unknown }
  | { kind: 'raw'; contentType: string | undefined; text: string }
  | { kind: 'bytes'; contentType: string; bytes: number[] };

type Value = string | Pick;

interface FuzzCase {
  route: number;
  auth: Auth;
  path: Record<string, Value>;
  query: [string, Value][];
  body: Body;
  idempotencyKey?: string | string[];
  headers: Record<string, string>;
}

interface Sent {
  /** The body has a key twice: the parser must refuse it. */
  duplicateKey: boolean;
  /** Each path parameter as the server decodes it; null for a malformed escape or a dot segment. */
  pathValues: Record<string, string | null>;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
}

const INTERNAL_WORDS =
  /Cannot read propert|is not a function|is not iterable|Maximum call stack|\bER_[A-Z_]{3,}|QueryFailedError|ECONNREFUSED|\.(js|ts):\d+|internal error/;

const excerpt = (text: string, n = 600) => (text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text);

describe('fuzzing every route with generated and hostile input', () => {
  let app: NestExpressApplication;
  let db: DataSource;
  let client: RawHttp;
  let doc: OpenApiDocument;
  let routes: Route[];
  let fingerprint: DbFingerprint;
  const u = unique().toUpperCase();
  const code = (name: string) => `FZ-${name}-${u}`;

  const calendar = `fz-${u}`.toLowerCase();
  const departments = [code('D1'), code('D2')];
  const halls = [code('H1'), code('H2')];
  const matters = [code('M1'), code('M2')];
  const items = [code('I1'), code('I2')];
  const draftItem = code('J');
  const companies = [uscc('320594', Date.now() % 31 ** 8), uscc('320595', Date.now() % 31 ** 8)];

  /** Users of each role (two applicants and two approvers: of two companies, of two departments). */
  const users: Record<Role, { username: string; id: string; token: string; departmentCode?: string }[]> = {
    applicant: [],
    clerk: [],
    approver: [],
    manager: [],
    admin: [],
  };
  const forged: Record<Forgery, string> = {} as Record<Forgery, string>;
  const pools: Record<string, string[]> = {};

  // Statistics: every case is counted; a case that fails stops the run with its request and answer.
  let cases = 0;
  const timing = { request: 0, fingerprint: 0 };
  let fingerprints = 0;
  const messageCounts = new Map<string, number>();
  const routeTime = new Map<string, number>();
  const statuses = new Map<string, Map<number, number>>();

  const hints: Hints = {
    'LoginDto.username': 'usernames',
    'LoginDto.password': 'passwords',
    'CreateUserDto.username': 'freshCodes',
    'CreateUserDto.password': 'passwords',
    'CreateUserDto.companyUscc': 'companies',
    'CreateUserDto.departmentCode': 'departments',
    'CreateUserDto.hallCode': 'halls',
    'CreateDepartmentDto.code': 'freshCodes',
    'CreateHallDto.code': 'freshCodes',
    'CreateHallDto.parentCode': 'halls',
    'CreateMatterDto.code': 'freshCodes',
    'CreateMatterDto.departmentCode': 'departments',
    'MaterialDto.code': 'materials',
    'CreateItemDto.code': 'itemCodes',
    'CreateItemDto.calendarCode': 'calendars',
    'ItemStepInputDto.key': 'stepKeys',
    'ItemStepInputDto.matterCode': 'matters',
    'ItemStepInputDto.dependsOn[]': 'stepKeys',
    'CreateCompanyDto.uscc': 'freshUsccs',
    'CreateRequestDto.itemCode': 'items',
    'CreateRequestDto.onBehalfOf': 'companies',
    'SubmittedMaterialDto.code': 'materials',
    'DeferredMaterialDto.code': 'nonKeyMaterials',
    'SupplementRequestDto.materials[]': 'materials',
    'SpecialProcedureDto.endsAt': 'futureInstants',
    'path.id': 'requestIds',
    'path.key': 'stepKeys',
    'path.code': 'itemCodes',
    'path.version': 'versions',
    'path.uscc': 'companies',
    'path.date': 'dates',
    'CalendarsController_days.path.code': 'calendars',
    'CalendarsController_due.path.code': 'calendars',
    // Only this test's own calendar is ever changed: `zone` and `always` are every other test's too.
    'CalendarsController_setDay.path.code': 'ownCalendar',
    // Actions name requests in the state they start from (and, through the shape, any other).
    'RequestsController_accept.path.id': 'requests:submitted',
    'RequestsController_refuse.path.id': 'requests:submitted',
    'RequestsController_requestSupplement.path.id': 'requests:submitted',
    'RequestsController_supply.path.id': 'requests:supplement_required',
    'RequestsController_approve.path.id': 'requests:in_progress',
    'RequestsController_deny.path.id': 'requests:in_progress',
    'RequestsController_requestStepSupplement.path.id': 'requests:in_progress',
    'RequestsController_startSpecialProcedure.path.id': 'requests:in_progress',
    'RequestsController_extend.path.id': 'requests:in_progress',
    'EvaluationsController_evaluate.path.id': 'requests:refused',
    'EvaluationsController_verify.path.id': 'followUps:open',
    'EvaluationsController_rectify.path.id': 'followUps:verified',
    'EvaluationsController_feedback.path.id': 'followUps:rectified',
    'query.hallCode': 'halls',
    'query.departmentCode': 'departments',
    'query.itemCode': 'items',
    'query.from': 'dates',
    'query.to': 'dates',
    'CalendarsController_due.query.from': 'instants',
  };

  // ---- fixtures, all through the API but the calendar (there is no route that makes one) ----------

  async function call(method: string, path: string, token: string | undefined, body?: unknown): Promise<RawResponse> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return client.send({
      method,
      path: `/api/v1${path}`,
      headers,
      body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)),
    });
  }

  /** The fields of an answer the fixtures read. */
  interface Answer {
    id: string;
    steps: unknown;
    version: number;
    accessToken: string;
    user: { id: string };
  }

  async function must(method: string, path: string, token: string | undefined, body?: unknown): Promise<Answer> {
    const res = await call(method, path, token, body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return JSON.parse(res.text) as Answer;
  }

  async function createUser(role: Role, binding: object, admin: string): Promise<void> {
    const username = `fz-${role}-${users[role].length}-${u}`.toLowerCase();
    await must('POST', '/users', admin, { username, password: PASSWORD, role, ...binding });
    const login = await must('POST', '/auth/login', undefined, { username, password: PASSWORD });
    users[role].push({ username, id: login.user.id, token: login.accessToken, ...binding });
  }

  async function fixtures(): Promise<void> {
    const admin = await must('POST', '/auth/login', undefined, {
      username: 'admin',
      password: TEST_ENV.ADMIN_PASSWORD,
    });
    users.admin.push({ username: 'admin', id: admin.user.id, token: admin.accessToken });
    const token = admin.accessToken;
    await db.query(
      `INSERT INTO calendars (code, name, utc_offset_minutes, weekly_hours, adjusted_workday_hours, days_rule, created_at, updated_at)
       SELECT ?, 'fuzz', utc_offset_minutes, weekly_hours, adjusted_workday_hours, days_rule, created_at, updated_at
         FROM calendars WHERE code = 'zone'`,
      [calendar],
    );
    for (const [i, d] of departments.entries())
      await must('POST', '/departments', token, { code: d, name: `部门${i}` });
    await must('POST', '/halls', token, { code: halls[0], name: '中心', level: 'centre' });
    await must('POST', '/halls', token, { code: halls[1], name: '分中心', level: 'branch', parentCode: halls[0] });
    const limit = (value: number) => ({ value, unit: 'workingDays' });
    const material = (c: string, required: boolean, key: boolean) => ({ code: c, name: `材料${c}`, required, key });
    await must('POST', '/matters', token, {
      code: matters[0],
      name: '事项一',
      departmentCode: departments[0],
      promisedLimit: limit(3),
      legalLimit: limit(20),
      materials: [material('A', true, true), material('B', true, false), material('C', false, false)],
      output: { kind: 'licence', name: '许可证' },
    });
    await must('POST', '/matters', token, {
      code: matters[1],
      name: '事项二',
      departmentCode: departments[1],
      promisedLimit: limit(2),
      legalLimit: limit(10),
      materials: [material('A', true, true), material('D', false, false)],
      output: { kind: 'certificate', name: '证明' },
    });
    const steps = [
      { key: 's1', matterCode: matters[0] },
      { key: 's2', matterCode: matters[1] },
      { key: 's3', matterCode: matters[0], dependsOn: ['s1'] },
    ];
    for (const [i, item] of items.entries()) {
      const draft = await must('POST', '/items', token, {
        code: item,
        name: `一件事${i}`,
        category: 'enterprise',
        calendarCode: i === 0 ? 'always' : calendar,
        promisedLimit: limit(5),
        steps,
        formSchema: { type: 'object' },
      });
      await must('POST', `/items/${item}/versions/${draft.version}/publish`, token);
    }
    await must('POST', '/items', token, {
      code: draftItem,
      name: '草稿',
      category: 'enterprise',
      promisedLimit: limit(5),
      steps,
    });
    for (const [i, c] of companies.entries()) await must('POST', '/companies', token, { uscc: c, name: `公司${i}` });
    await createUser('applicant', { companyUscc: companies[0] }, token);
    await createUser('applicant', { companyUscc: companies[1] }, token);
    await createUser('clerk', { hallCode: halls[0] }, token);
    await createUser('approver', { departmentCode: departments[0] }, token);
    await createUser('approver', { departmentCode: departments[1] }, token);
    await createUser('manager', {}, token);

    // Requests in each state an action starts from: submitted, in progress, waiting for a supplement.
    const submission = {
      itemCode: items[0],
      form: { companyName: '示范' },
      materials: [
        { code: 'A', reference: 'file:a.pdf' },
        { code: 'B', reference: 'file:b.pdf' },
      ],
    };
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const applicant = users.applicant[i % 2].token;
      ids.push((await must('POST', '/requests', applicant, submission)).id);
    }
    const clerk = users.clerk[0].token;
    const accepted: Answer[] = [];
    for (const id of ids.slice(0, 4)) accepted.push(await must('POST', `/requests/${id}/accept`, clerk, {}));
    await must('POST', `/requests/${ids[4]}/supplement-requests`, clerk, { materials: ['B'], note: '请补正' });

    // Ended requests to rate, and follow-ups (opened by a 1) at each stage for the zone-wide manager.
    const refused: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = (await must('POST', '/requests', users.applicant[0].token, submission)).id;
      await must('POST', `/requests/${id}/refuse`, clerk, { reason: '不属于受理范围' });
      refused.push(id);
    }
    const followUps: Record<'open' | 'verified' | 'rectified', string[]> = { open: [], verified: [], rectified: [] };
    const manager = users.manager[0].token;
    for (const [i, id] of refused.slice(4).entries()) {
      await must('POST', `/requests/${id}/evaluation`, users.applicant[0].token, { score: 1 });
      if (i >= 2) await must('POST', `/requests/${id}/follow-up/verify`, manager, { note: '属实' });
      if (i >= 4) await must('POST', `/requests/${id}/follow-up/rectify`, manager, { note: '已整改' });
      followUps[i < 2 ? 'open' : i < 4 ? 'verified' : 'rectified'].push(id);
    }

    const now = Date.now();
    Object.assign(pools, {
      'requests:refused': refused.slice(0, 4),
      'followUps:open': followUps.open,
      'followUps:verified': followUps.verified,
      'followUps:rectified': followUps.rectified,
      usernames: [...ROLE_NAMES.flatMap((r) => users[r].map((x) => x.username)), 'nobody'],
      passwords: [PASSWORD, TEST_ENV.ADMIN_PASSWORD],
      freshCodes: Array.from({ length: 400 }, (_, i) => `FZ${i}-${u}`),
      departments,
      halls,
      matters,
      materials: ['A', 'B', 'C', 'D'],
      nonKeyMaterials: ['B', 'C', 'D'],
      itemCodes: [...items, draftItem],
      items,
      calendars: [calendar, 'always', 'zone'],
      ownCalendar: [calendar],
      stepKeys: ['s1', 's2', 's3'],
      freshUsccs: Array.from({ length: 200 }, (_, i) => uscc('320599', (now + i) % 31 ** 8)),
      companies,
      requestIds: [],
      versions: ['1', '2', '3'],
      dates: ['2026-10-01', '2026-10-08', '2027-01-01', '2026-12-31', '2026-02-28', '2028-02-29'],
      futureInstants: [1, 7, 30, 400].map((days) => new Date(now + days * 86_400_000).toISOString()),
      instants: ['2026-09-30T10:00:00+08:00', '2026-10-08T16:59:00+08:00', new Date(now).toISOString()],
    });
    ids.forEach((id, i) => seeRequest(id, i < 4 ? 'in_progress' : i === 4 ? 'supplement_required' : 'submitted'));
    for (const view of accepted) seeRequest(view.id, 'in_progress', view.steps);
  }

  function forgeTokens(jwt: JwtService): void {
    const claims = { sub: users.applicant[0].id, username: users.applicant[0].username, role: 'applicant' };
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    forged['wrong-secret'] = new JwtService({ secret: 'not-the-secret-not-the-secret-0123' }).sign(claims);
    forged['alg-none'] = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    forged.expired = jwt.sign({ ...claims, iat: 1_000_000_000 }, { expiresIn: 60 });
    forged['unknown-role'] = jwt.sign({ ...claims, role: 'root' });
    const real = users.applicant[0].token.split('.');
    forged.tampered = `${real[0]}.${b64({ ...claims, role: 'admin' })}.${real[2]}`;
    forged['lowercase-scheme'] = users.applicant[0].token;
  }

  /** The roles each route lets in, read from its controller's @Roles() (none: any signed-in role). */
  const rolesByOperation = new Map<string, Role[]>();
  function allowedRoles(operationId: string): Role[] {
    let roles = rolesByOperation.get(operationId);
    if (!roles) rolesByOperation.set(operationId, (roles = readRoles(operationId)));
    return roles;
  }

  function readRoles(operationId: string): Role[] {
    const [controllerName, methodName] = operationId.split('_');
    for (const module of app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (type?.name !== controllerName) continue;
        const handler = (type.prototype as Record<string, object>)[methodName];
        const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, type)) as
          Role[] | undefined;
        return roles && roles.length > 0 ? roles : ROLE_NAMES;
      }
    }
    throw new Error(`no controller for ${operationId}`);
  }

  beforeAll(async () => {
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    client = new RawHttp((app.getHttpServer().address() as AddressInfo).port);
    db = app.get(getDataSourceToken());
    const [{ requests, versions }] = (await db.query(
      `SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM service_requests) AS requests,
              (SELECT COALESCE(MAX(id), 0) + 1 FROM item_versions) AS versions`,
    )) as { requests: number | string; versions: number | string }[];
    await fixtures();
    forgeTokens(app.get(JwtService));
    const docResponse = await client.send({ method: 'GET', path: '/api/docs-json', headers: {} });
    doc = JSON.parse(docResponse.text) as OpenApiDocument;
    routes = routesOf(doc);
    fingerprint = await DbFingerprint.create(db, {
      firstRequestId: Number(requests),
      firstItemVersionId: Number(versions),
      userIds: ROLE_NAMES.flatMap((r) => users[r].map((x) => x.id)),
      calendarCode: calendar,
    });
  }, 60_000);

  afterAll(async () => {
    client?.close();
    await app?.close();
  });

  // ---- the arbitraries ----------------------------------------------------------------------------

  function caseArbitrary(): fc.Arbitrary<FuzzCase> {
    const schemas = new SchemaArbitraries(doc, hints);
    const hintOf = (route: Route, p: Parameter) =>
      p.name === 'cursor'
        ? `cursors:${route.operationId}`
        : (hints[`${route.operationId}.${p.in}.${p.name}`] ?? hints[`${p.in}.${p.name}`]);

    const paramValue = (route: Route, p: Parameter, hostile: fc.Arbitrary<string>): fc.Arbitrary<Value> =>
      fc.oneof(
        {
          weight: 7,
          arbitrary: schemas.valid(p.schema, hintOf(route, p)).map((v) => (v instanceof Pick ? v : String(v))),
        },
        { weight: 2, arbitrary: hostile },
      );

    // Kept short enough that the URL stays under Node's 16 KB header limit (past it Node answers 431 itself).
    const short = (s: string) => s.slice(0, 1000);
    const hostilePathValue = fc.oneof(
      hostileString.map(short),
      fc.constantFrom(...ODD_IDS),
      fc.constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%C0%AF',
        '%ED%A0%80',
        '%FF%FE',
        '%00',
        '%2F',
        '%2e%2e',
        '..',
        '.',
        ';',
        '?',
        '#',
      ),
    );
    const hostileQueryValue = fc.oneof(
      hostileString.map(short),
      fc.constantFrom(...ODD_NUMBER_TEXTS),
      fc.constantFrom(...ODD_CURSORS),
      fc.constantFrom('%', '%zz', '%FF', '%00', '&', '=', '[]', 'a&limit=1'),
    );

    const authArbitrary: fc.Arbitrary<Auth> = fc.oneof(
      {
        weight: 80,
        arbitrary: fc.record({ kind: fc.constant('role' as const), allowed: fc.constant(true), index: fc.nat() }),
      },
      {
        weight: 7,
        arbitrary: fc.record({ kind: fc.constant('role' as const), allowed: fc.constant(false), index: fc.nat() }),
      },
      { weight: 3, arbitrary: fc.constant({ kind: 'none' as const }) },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('forged' as const),
          forgery: fc.constantFrom<Forgery>(
            'wrong-secret',
            'alg-none',
            'expired',
            'unknown-role',
            'tampered',
            'lowercase-scheme',
          ),
        }),
      },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('header' as const),
          value: fc.oneof(
            fc.constantFrom(
              'Bearer',
              'Bearer ',
              'Bearer  x',
              'Basic YWRtaW46YWRtaW4=',
              'Token abc',
              'null',
              '',
              'Bearer null',
            ),
            fc.constantFrom(
              'Bearer a.b.c',
              'Bearer ....',
              'Bearer ' + 'a'.repeat(8000),
              'Bearer é',
              'Bearer \u00ff\u00fe',
            ),
            fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `Bearer ${s}`),
            fc.constant<string[]>(['Bearer a', 'Bearer b']),
          ),
        }),
      },
    );

    const idempotencyArbitrary = fc.option(
      fc.oneof(
        { weight: 6, arbitrary: fc.nat().map((n) => `fz-${u}-${n}`) },
        { weight: 2, arbitrary: fc.constant(`fz-${u}-same`) },
        {
          weight: 2,
          arbitrary: fc.oneof(
            fc.constantFrom('', ' ', 'a b', 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(5000), 'é', '\u00ff', 'a,b'),
            fc.constant<string[]>(['k1', 'k2']),
            fc.string({ unit: 'grapheme-ascii', maxLength: 140 }),
          ),
        },
      ),
      { freq: 2 },
    );

    const headerNoise = fc.oneof(
      { weight: 20, arbitrary: fc.constant({}) },
      {
        weight: 1,
        arbitrary: fc.record(
          {
            'x-request-id': fc.oneof(
              hostileString.map((s) =>
                Buffer.from(s, 'utf8')
                  .toString('latin1')
                  .replace(/[^\t\x20-\x7e\x80-\xff]/g, '')
                  .slice(0, 2000),
              ),
              fc.constant('x'.repeat(3000)),
            ),
            accept: fc.constantFrom('text/html', 'application/xml', '*/*', 'application/json;q=0', ''),
            'content-encoding': fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'),
            'accept-charset': fc.constantFrom('latin1', 'utf-16', '*'),
          },
          { requiredKeys: [] },
        ),
      },
    );

    const otherContentTypes = fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/json; charset=utf-32',
      'application/merge-patch+json',
      'application/vnd.api+json',
      'APPLICATION/JSON',
      'application/json; charset="utf-8"',
      'application/jsonx',
      'text/json',
      'json',
      '',
    );
    const malformed = fc.constantFrom(
      '{',
      '{"a":',
      '{"a":1,}',
      "{'a':1}",
      '{a:1}',
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":undefined}',
      '{"a":1}//',
      '/*x*/{}',
      '\uFEFF{}',
      '{}{}',
      '[]]',
      'null',
      'true',
      '1',
      '"x"',
      '[]',
      '',
      ' ',
      '{"a":"\\x41"}',
      '{"a":"\\u12"}',
      '{"a":"\u0000"}',
      '{"a":01}',
      '{"a":1e999}',
      '{"a":-}',
      'a=1&b=2',
      '<a>1</a>',
    );
    const badUtf8 = fc.constantFrom<number[]>(
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d],
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d],
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d],
      [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xf4, 0x90, 0x80, 0x80, 0x22, 0x7d],
      [0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00],
      [0xef, 0xbb, 0xbf, 0x7b, 0x7d],
    );

    /**
     * Bodies each route takes when the rows they name are in the right state: the documented shape
     * alone seldom names an item's every required material or a step that is active. Text fields carry
     * injection, markup, emoji and 4-byte characters that must be stored as sent.
     */
    const picked = (pool: string) => fc.nat().map((i) => new Pick(pool, i));
    const text = (max: number) =>
      fc.oneof(
        hostileText.filter((t) => /\S/.test(t) && !/\p{Cs}/u.test(t) && [...t].length <= max),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, 20) }).filter((t) => /\S/.test(t)),
      );
    const limit = (min: number, max: number) =>
      fc.record({ value: fc.integer({ min, max }), unit: fc.constantFrom('workingDays', 'workingHours') });
    // A (on every matter of the fixtures) fits any step; the others only some.
    const someMaterials = fc.oneof(fc.constant(['A']), fc.subarray(['A', 'B', 'C', 'D'], { minLength: 1 }));
    const submission = fc.record({
      itemCode: picked('items'),
      form: fc.dictionary(text(20), fc.oneof(text(200), fc.integer(), fc.boolean()), { maxKeys: 5 }),
      materials: fc
        .subarray(['C', 'D'])
        .chain((extra) =>
          fc.tuple(...['A', 'B', ...extra].map((code) => text(500).map((reference) => ({ code, reference })))),
        ),
    });
    const validBodies: Record<string, fc.Arbitrary<unknown>> = {
      AuthController_login: fc.record({ username: picked('usernames'), password: fc.constant(PASSWORD) }),
      UsersController_create: fc
        .tuple(
          picked('freshCodes'),
          fc.oneof(
            fc.constant({ role: 'manager' }),
            fc.record({ role: fc.constant('applicant'), companyUscc: picked('companies') }),
            fc.record({ role: fc.constant('clerk'), hallCode: picked('halls') }),
            fc.record({ role: fc.constant('approver'), departmentCode: picked('departments') }),
          ),
        )
        .map(([username, binding]) => ({ username, password: PASSWORD, ...binding })),
      DepartmentsController_create: fc.record({ code: picked('freshCodes'), name: text(100) }),
      HallsController_create: fc.oneof(
        fc.record({ code: picked('freshCodes'), name: text(100), level: fc.constant('centre') }),
        fc.record({
          code: picked('freshCodes'),
          name: text(100),
          level: fc.constantFrom('branch', 'point'),
          parentCode: picked('halls'),
        }),
      ),
      MattersController_create: fc.record({
        code: picked('freshCodes'),
        name: text(200),
        departmentCode: picked('departments'),
        promisedLimit: limit(1, 5),
        legalLimit: limit(5, 20),
        materials: fc.constant([
          { code: 'A', name: '材料A', required: true, key: true },
          { code: 'E', name: '材料E', required: false, key: false },
        ]),
        output: fc.record({ kind: text(32), name: text(200) }),
      }),
      ItemsController_create: fc.record(
        {
          code: fc.oneof(picked('itemCodes'), picked('freshCodes')),
          name: text(200),
          category: text(64),
          calendarCode: picked('calendars'),
          promisedLimit: limit(1, 10),
          steps: fc.tuple(picked('matters'), picked('matters')).map(([a, b]) => [
            { key: 's1', matterCode: a },
            { key: 's2', matterCode: b, dependsOn: ['s1'] },
          ]),
          formSchema: fc.constant({ type: 'object', properties: { companyName: { type: 'string' } } }),
        },
        { requiredKeys: ['code', 'name', 'category', 'promisedLimit', 'steps'] },
      ),
      CompaniesController_create: fc.record({ uscc: picked('freshUsccs'), name: text(200) }),
      RequestsController_submit: fc.oneof(
        submission,
        fc.tuple(submission, picked('companies')).map(([body, onBehalfOf]) => ({ ...body, onBehalfOf })),
      ),
      RequestsController_accept: fc.oneof(
        fc.constant({}),
        fc.record({
          deferredMaterials: fc
            .subarray(['B', 'C', 'D'], { minLength: 1 })
            .chain((codes) =>
              fc.tuple(
                ...codes.map((code) => fc.integer({ min: 1, max: 60 }).map((due) => ({ code, dueInWorkingDays: due }))),
              ),
            ),
        }),
      ),
      RequestsController_refuse: fc.record({ reason: text(1000) }),
      RequestsController_deny: fc.record({ reason: text(1000) }),
      RequestsController_requestSupplement: fc.record({ materials: someMaterials, note: text(1000) }),
      RequestsController_requestStepSupplement: fc.record({ materials: someMaterials, note: text(1000) }),
      RequestsController_supply: someMaterials.chain((codes) =>
        fc
          .tuple(...codes.map((code) => text(500).map((reference) => ({ code, reference }))))
          .map((materials) => ({ materials })),
      ),
      RequestsController_withdraw: fc.constant({}),
      RequestsController_extend: fc.record({ workingDays: fc.integer({ min: 1, max: 10 }), reason: text(1000) }),
      RequestsController_startSpecialProcedure: fc.record({ reason: text(1000), endsAt: picked('futureInstants') }),
      RequestsController_approve: fc.record({ outputNumber: text(64), comment: text(1000) }, { requiredKeys: [] }),
      CalendarsController_setDay: fc.record({ working: fc.boolean(), name: text(100) }),
      EvaluationsController_evaluate: fc.record(
        { score: fc.integer({ min: 1, max: 5 }), comment: text(500) },
        { requiredKeys: ['score'] },
      ),
      EvaluationsController_verify: fc.record({ note: text(1000) }),
      EvaluationsController_rectify: fc.record({ note: text(1000) }),
      EvaluationsController_feedback: fc.record({ message: text(1000) }),
    };

    const bodyArbitrary = (route: Route): fc.Arbitrary<Body> => {
      const hostileBody = fc.oneof(
        { weight: 3, arbitrary: hostileValue.map((value): Body => ({ kind: 'json', value, mutations: [] })) },
        {
          weight: 2,
          arbitrary: malformed.map((text): Body => ({ kind: 'raw', contentType: 'application/json', text })),
        },
        {
          weight: 1,
          arbitrary: badUtf8.map((bytes): Body => ({ kind: 'bytes', contentType: 'application/json', bytes })),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('raw' as const),
            contentType: fc.option(otherContentTypes, { nil: undefined }),
            text: fc.oneof(fc.constant('{"a":1}'), fc.constant('a=1'), hostileString),
          }),
        },
      );
      if (!route.body) {
        return fc.oneof(
          { weight: 6, arbitrary: fc.constant<Body>({ kind: 'none' }) },
          { weight: 1, arbitrary: hostileBody },
        );
      }
      const shaped = schemas.valid(route.body);
      // The documented shape, or a body the domain takes (a corpus): both the ground mutations start from.
      const known = validBodies[route.operationId];
      const start = known ? fc.oneof(shaped, known) : shaped;
      return fc.oneof(
        { weight: 6, arbitrary: shaped.map((value): Body => ({ kind: 'json', value, mutations: [] })) },
        ...(known
          ? [{ weight: 8, arbitrary: known.map((value): Body => ({ kind: 'json', value, mutations: [] })) }]
          : []),
        {
          weight: 10,
          arbitrary: fc
            .tuple(start, fc.array(mutation, { minLength: 1, maxLength: 3 }))
            .map(([value, mutations]): Body => ({ kind: 'json', value, mutations })),
        },
        {
          weight: 2,
          arbitrary: fc
            .tuple(shaped, fc.nat(), hostileValue)
            .map(([value, at, duplicate]): Body => ({ kind: 'duplicate-key', value, at, duplicate })),
        },
        {
          weight: 2,
          arbitrary: fc
            .tuple(shaped, otherContentTypes)
            .map(([value, contentType]): Body => ({ kind: 'raw', contentType, text: JSON.stringify(value) ?? '' })),
        },
        { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
        { weight: 3, arbitrary: hostileBody },
      );
    };

    const queryArbitrary = (route: Route): fc.Arbitrary<[string, Value][]> => {
      const params = route.parameters.filter((p) => p.in === 'query');
      const each = params.map((p) =>
        fc.oneof(
          { weight: p.required ? 1 : 6, arbitrary: fc.constant<[string, Value][]>([]) },
          {
            weight: 10,
            arbitrary: paramValue(route, p, hostileQueryValue).map((v): [string, Value][] => [[p.name, v]]),
          },
          {
            weight: 1,
            arbitrary: fc
              .tuple(paramValue(route, p, hostileQueryValue), paramValue(route, p, hostileQueryValue))
              .map(([a, b]): [string, Value][] => [
                [p.name, a],
                [p.name, b],
              ]),
          },
          { weight: 1, arbitrary: hostileQueryValue.map((v): [string, Value][] => [[`${p.name}[]`, v]]) },
        ),
      );
      const extra = fc.oneof(
        { weight: 12, arbitrary: fc.constant<[string, Value][]>([]) },
        {
          weight: 1,
          arbitrary: fc
            .tuple(
              fc.constantFrom('admin', 'limit', 'role', '__proto__', 'toString', 'a[b]', '', '%'),
              hostileQueryValue,
            )
            .map(([k, v]): [string, Value][] => [[k, v]]),
        },
      );
      return fc.tuple(fc.tuple(...each), extra).map(([parts, more]) => [...parts.flat(), ...more]);
    };

    const caseFor = (index: number): fc.Arbitrary<FuzzCase> => {
      const route = routes[index];
      const pathParams = route.parameters.filter((p) => p.in === 'path');
      const each = fc.record(
        Object.fromEntries(pathParams.map((p) => [p.name, paramValue(route, p, hostilePathValue)])) as Record<
          string,
          fc.Arbitrary<Value>
        >,
      );
      // A step action mostly names a step that is active now: its request and key from one pair.
      const onStep = pathParams.some((p) => p.name === 'key') && pathParams.some((p) => p.name === 'id');
      const path = onStep
        ? fc.oneof(
            { weight: 1, arbitrary: each },
            {
              weight: 3,
              arbitrary: fc.nat().map((i): Record<string, Value> => ({
                id: new Pick('activeSteps', i, 0),
                key: new Pick('activeSteps', i, 1),
              })),
            },
          )
        : each;
      const honoursKey = route.parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key');
      return fc.record({
        route: fc.constant(index),
        auth: route.secured
          ? authArbitrary
          : fc.oneof(
              { weight: 9, arbitrary: fc.constant<Auth>({ kind: 'none' }) },
              { weight: 1, arbitrary: authArbitrary },
            ),
        path,
        query: queryArbitrary(route),
        body: bodyArbitrary(route),
        idempotencyKey: honoursKey ? idempotencyArbitrary.map((k) => k ?? undefined) : fc.constant(undefined),
        headers: headerNoise as fc.Arbitrary<Record<string, string>>,
      });
    };

    // Argon2 makes each login and user creation cost tens of milliseconds: they get fewer cases.
    const weightOf = (route: Route) =>
      /^(AuthController_login|UsersController_create)$/.test(route.operationId) ? 1 : 4;
    return fc.oneof(...routes.map((route, i) => ({ weight: weightOf(route), arbitrary: caseFor(i) })));
  }

  // ---- sending a case and judging the answer ------------------------------------------------------

  function build(c: FuzzCase): Sent {
    const route = routes[c.route];
    const resolve = (v: Value): string => String(resolvePicks(v, pools as Pools));
    const encodePath = (name: string, raw: string) => {
      let value = raw;
      // Never an edit of a calendar other tests count on (codes compare case-insensitively).
      if (
        route.operationId === 'CalendarsController_setDay' &&
        name === 'code' &&
        /^(zone|always)$/i.test(value.trim())
      ) {
        value = calendar;
      }
      // Malformed escapes (`%`, `%zz`, `%C0%AF`) and dot segments go as they are; anything else encoded.
      if (/^(%[0-9A-Za-z%]*|\.{1,2}|[;?#])$/.test(value)) {
        pathValues[name] = null;
        return value;
      }
      // What the server decodes: a lone surrogate went as U+FFFD.
      pathValues[name] = Buffer.from(value, 'utf8').toString('utf8');
      return percentEncode(value);
    };
    /** Each path parameter as the server reads it; null where it went as a malformed escape or a dot segment. */
    const pathValues: Record<string, string | null> = {};
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodePath(name, resolve(c.path[name] ?? '')));
    const query = c.query
      .map(([k, v]) => {
        const value = resolve(v);
        const raw = /^%[0-9A-Za-z%]*$/.test(value);
        return `${percentEncode(k)}=${raw ? value : percentEncode(value)}`;
      })
      .join('&');
    const headers: Record<string, string | string[]> = { ...c.headers };
    const auth = c.auth;
    if (auth.kind === 'role') {
      const allowed = allowedRoles(route.operationId);
      const others = ROLE_NAMES.filter((r) => !allowed.includes(r));
      const roles = auth.allowed || others.length === 0 ? allowed : others;
      const people = users[roles[auth.index % roles.length]];
      let person = people[Math.floor(auth.index / roles.length) % people.length];
      // An approver acting on an active step mostly is one of the step's department.
      const step = c.path.key;
      if (person.departmentCode && step instanceof Pick && step.pool === 'activeSteps' && auth.index % 4 !== 0) {
        const department = String(resolvePicks(new Pick('activeSteps', step.index, 2), pools as Pools));
        person = people.find((p) => p.departmentCode === department) ?? person;
      }
      headers.authorization = `Bearer ${person.token}`;
    } else if (auth.kind === 'header') {
      headers.authorization = auth.value;
    } else if (auth.kind === 'forged') {
      headers.authorization = `${auth.forgery === 'lowercase-scheme' ? 'bearer' : 'Bearer'} ${forged[auth.forgery]}`;
    }
    if (c.idempotencyKey !== undefined) headers['idempotency-key'] = c.idempotencyKey;
    let body: string | undefined;
    let refused = false;
    switch (c.body.kind) {
      case 'none':
        break;
      case 'json':
        body = JSON.stringify(resolvePicks(mutate(c.body.value, c.body.mutations), pools as Pools)) ?? 'null';
        headers['content-type'] ??= 'application/json';
        break;
      case 'duplicate-key':
        ({ text: body, duplicated: refused } = jsonWithDuplicateKey(
          resolvePicks(c.body.value, pools as Pools),
          c.body.at,
          c.body.duplicate,
        ));
        headers['content-type'] ??= 'application/json';
        break;
      case 'raw':
        body = c.body.text;
        if (c.body.contentType !== undefined) headers['content-type'] = c.body.contentType;
        break;
      case 'bytes':
        body = Buffer.from(c.body.bytes).toString('latin1');
        headers['content-type'] = c.body.contentType;
        break;
    }
    return {
      method: route.method,
      path: query ? `${path}?${query}` : path,
      pathValues,
      headers,
      body,
      duplicateKey: refused,
    };
  }

  const describeCase = (sent: Sent, res?: RawResponse) =>
    [
      `${sent.method} ${excerpt(sent.path, 300)}`,
      `headers ${excerpt(JSON.stringify({ ...sent.headers, authorization: sent.headers.authorization ? '…' : undefined }), 300)}`,
      `body ${sent.body === undefined ? '(none)' : excerpt(sent.body)}`,
      res ? `→ ${res.status} ${excerpt(res.text)}` : '',
    ].join('\n');

  /** The status each request was last seen in: the pools `requests:<status>` name those in each state. */
  const statusOf = new Map<string, string>();
  function seeRequest(id: string, status: string, steps?: unknown): void {
    if (Array.isArray(steps)) {
      // `id|key|department` of each active step: the step actions name one (id and key from one entry).
      const active = (steps as { key?: unknown; status?: unknown; departmentCode?: unknown }[])
        .filter((step) => step.status === 'active' && typeof step.key === 'string')
        .map((step) => `${id}|${String(step.key)}|${String(step.departmentCode)}`);
      pools.activeSteps = [...(pools.activeSteps ?? []).filter((pair) => !pair.startsWith(`${id}|`)), ...active];
    }
    const before = statusOf.get(id);
    if (before === status) return;
    if (before) pools[`requests:${before}`] = pools[`requests:${before}`].filter((x) => x !== id);
    (pools[`requests:${status}`] ??= []).push(id);
    statusOf.set(id, status);
    if (!pools.requestIds.includes(id)) pools.requestIds.push(id);
  }

  /** What an answer tells of the rows the next cases may name: requests and their states, cursors. */
  function remember(route: Route, res: RawResponse): void {
    if (res.status >= 300) return;
    let body: { id?: unknown; number?: unknown; status?: unknown; nextCursor?: unknown };
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      return;
    }
    if (route.operationId.startsWith('RequestsController_')) {
      const views = Array.isArray((body as { items?: unknown }).items)
        ? (body as { items: (typeof body)[] }).items
        : [body];
      for (const view of views) {
        if (typeof view.id === 'string' && typeof view.number === 'string') {
          seeRequest(view.id, String(view.status), (view as { steps?: unknown }).steps);
        }
      }
    }
    const cursors = (pools[`cursors:${route.operationId}`] ??= []);
    if (typeof body.nextCursor === 'string' && cursors.length < 50) cursors.push(body.nextCursor);
  }

  /** An error answer is the api's error body, saying what is wrong. */
  function checkErrorBody(res: RawResponse): string | null {
    if (!/^application\/json/.test(String(res.headers['content-type']))) return 'an error that is not JSON';
    let body: { statusCode?: unknown; error?: unknown; message?: unknown };
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      return 'an error body that does not parse';
    }
    if (body.statusCode !== res.status) return `statusCode ${String(body.statusCode)} in a ${res.status} answer`;
    if (typeof body.error !== 'string' || body.error.length === 0) return 'an error without its error name';
    const messages = Array.isArray(body.message) ? body.message : [body.message];
    if (messages.length === 0 || messages.some((m) => typeof m !== 'string' || m.trim().length === 0)) {
      return 'an error without a message';
    }
    // What a fault, not a message written for the client, looks like (echoed input may say anything else).
    if (messages.some((m) => INTERNAL_WORDS.test(m as string))) {
      return `an unclear message: ${JSON.stringify(body.message)}`;
    }
    return null;
  }

  /**
   * Why a case is certain to be refused, or null when it may be taken (and may write). A guard refuses
   * a missing, forged or wrong role's token (401, 403); the body parser a body that is not JSON, does
   * not inflate or has a key twice (400, 415); validation anything the OpenAPI document's schema for
   * the route does not allow (400). A case certain to be refused, or that only reads, changes nothing:
   * those are checked together, between two fingerprints. One that is answered 2xx fails the run.
   */
  function certainRefusal(route: Route, c: FuzzCase, sent: Sent): string | null {
    if (route.secured) {
      const allowed =
        allowedRoles(route.operationId).length === ROLE_NAMES.length || (c.auth.kind === 'role' && c.auth.allowed);
      if (c.auth.kind !== 'role' || !allowed) return 'no token of a role the route allows';
    }
    if (sent.duplicateKey) return 'a key twice in the body';
    const type = sent.headers['content-type'];
    const encoding = sent.headers['content-encoding'];
    if (sent.body) {
      if (typeof type !== 'string' || !/^\s*application\/json\s*(;|$)/i.test(type)) return 'a body that is not JSON';
      if (encoding !== undefined && encoding !== 'identity') return `a body that is not ${String(encoding)}`;
    }
    for (const p of route.parameters) {
      if (p.in === 'path') {
        const value = sent.pathValues[p.name];
        const fault = value === null ? 'a malformed path' : parameterFault(p, value);
        if (fault) return fault;
      } else if (p.in === 'header' && p.name === 'Idempotency-Key') {
        const key = sent.headers['idempotency-key'];
        if (Array.isArray(key)) return 'two Idempotency-Keys';
        // The HTTP parser drops the spaces and tabs around a header's value.
        const fault = key === undefined ? null : parameterFault(p, key.replace(/^[ \t]+|[ \t]+$/g, ''));
        if (fault) return fault;
      }
    }
    if (!route.body) return null;
    let body: unknown = {};
    if (sent.body) {
      // As body-parser reads it: UTF-8 (raw bytes went as latin1 text), a byte order mark dropped.
      const text = c.body.kind === 'bytes' ? new TextDecoder().decode(Buffer.from(sent.body, 'latin1')) : sent.body;
      try {
        body = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch {
        return 'a body that does not parse';
      }
    }
    return schemaFault(doc, route.body, body);
  }

  /** A case answered while only refusals and reads ran: between two fingerprints. */
  interface WindowCase {
    route: Route;
    sent: Sent;
    res: RawResponse;
  }

  /**
   * What the database may have gained while only refused or reading cases ran: nothing, but for
   * what a failed login records (its auth.login-failed audit event, a new audit chain for an
   * unknown username, the username's count of failures) and nothing else.
   */
  async function unexplainedChanges(window: WindowCase[], before: Fingerprint, after: Fingerprint): Promise<string[]> {
    const changed = DbFingerprint.changed(before, after);
    if (changed.length === 0) return [];
    const failedLogins = window.filter((r) => r.route.operationId === 'AuthController_login' && r.res.status === 401);
    const byFailedLogins = ['audit_events.max', 'audit_chains.count', 'login_failures.count'];
    if (changed.some((k) => !byFailedLogins.includes(k)) || failedLogins.length === 0) return changed;
    const rows = (await db.query('SELECT action FROM audit_events WHERE id > ?', [before['audit_events.max']])) as {
      action: string;
    }[];
    const allowed = rows.length <= failedLogins.length && rows.every((r) => r.action === 'auth.login-failed');
    return allowed ? [] : [`audit_events (${rows.map((r) => r.action).join(', ')})`];
  }

  it(`answers ${RUNS} generated cases (seed ${SEED}) without a 5xx, with clear errors, and refused ones change nothing`, async () => {
    // The cases since the last fingerprint, each refused or a read: together they must have changed nothing.
    let window: WindowCase[] = [];
    let baseline = await fingerprint.take();
    const takeFingerprint = async () => {
      const t1 = performance.now();
      const taken = await fingerprint.take();
      timing.fingerprint += performance.now() - t1;
      fingerprints++;
      return taken;
    };
    const closeWindow = async () => {
      const now = await takeFingerprint();
      const changes = await unexplainedChanges(window, baseline, now);
      if (changes.length > 0) {
        throw new Error(
          `the database changed (${changes.join(', ')}) while only refused or reading cases ran; one of these:\n` +
            window.map((r) => describeCase(r.sent, r.res)).join('\n---\n'),
        );
      }
      baseline = now;
      window = [];
    };

    /** Sends one case and checks its answer; `refusal` says why it must be refused (null: it may be taken). */
    const run = async (c: FuzzCase, sent: Sent, refusal: string | null): Promise<void> => {
      const route = routes[c.route];
      let res: RawResponse;
      const t0 = performance.now();
      try {
        res = await client.send({
          method: sent.method,
          path: sent.path,
          headers: sent.headers,
          body:
            sent.body === undefined ? undefined : Buffer.from(sent.body, c.body.kind === 'bytes' ? 'latin1' : 'utf8'),
        });
      } catch (error) {
        throw new Error(`no answer (${(error as Error).message})\n${describeCase(sent)}`);
      }
      cases++;
      const took = performance.now() - t0;
      timing.request += took;
      routeTime.set(route.operationId, (routeTime.get(route.operationId) ?? 0) + took);
      const byRoute = statuses.get(route.operationId) ?? new Map<number, number>();
      byRoute.set(res.status, (byRoute.get(res.status) ?? 0) + 1);
      statuses.set(route.operationId, byRoute);

      if (res.status >= 500) throw new Error(`a ${res.status}\n${describeCase(sent, res)}`);
      if (res.status >= 400) {
        const problem = checkErrorBody(res);
        if (problem) throw new Error(`${problem}\n${describeCase(sent, res)}`);
        if (process.env.FUZZ_VERBOSE) {
          const m = (JSON.parse(res.text) as { message: unknown }).message;
          const key = `${route.operationId} ${res.status} ${String(Array.isArray(m) ? m[0] : m)
            .replace(/\d+/g, 'N')
            .slice(0, 70)}`;
          messageCounts.set(key, (messageCounts.get(key) ?? 0) + 1);
        }
      }
      if (res.status < 400 && route.method !== 'GET') {
        if (refusal) throw new Error(`a ${res.status} for a request with ${refusal}\n${describeCase(sent, res)}`);
        // Its changes are its own: the fingerprint just before it was checked, the one after is the new baseline.
        baseline = await takeFingerprint();
      } else {
        window.push({ route, sent, res });
      }
      remember(route, res);
    };

    // A run is a batch of cases. Those that cannot change anything (reads, and requests a guard or the
    // parser must refuse) go at once, a few at a time over keep-alive connections: they share one window.
    // Each that may write goes alone, between a fingerprint that closes the window before it and one
    // after it when it succeeds.
    const property = fc.asyncProperty(
      fc.array(caseArbitrary(), { minLength: BATCH, maxLength: BATCH }),
      async (batch) => {
        const built = batch.map((c) => ({ c, sent: build(c) }));
        const judged = built.map((b) => ({
          ...b,
          refusal: routes[b.c.route].method === 'GET' ? 'a read' : certainRefusal(routes[b.c.route], b.c, b.sent),
        }));
        const writes = judged.filter((b) => b.refusal === null);
        const reads = judged.filter((b) => b.refusal !== null);
        for (let i = 0; i < reads.length; i += CONCURRENCY) {
          await Promise.all(reads.slice(i, i + CONCURRENCY).map(({ c, sent, refusal }) => run(c, sent, refusal)));
        }
        for (const { c, sent } of writes) {
          await closeWindow();
          await run(c, sent, null);
        }
      },
    );
    const started = performance.now();
    const details = await fc.check(property, {
      seed: SEED,
      // A replay runs the failing batch alone.
      ...(REPLAY_PATH ? { path: REPLAY_PATH, numRuns: 1 } : { numRuns: Math.ceil(RUNS / BATCH) }),
      // A failure is reported as found: shrinking would replay cases against a database that has moved on.
      endOnFailure: true,
    });
    if (details.failed) {
      const cause =
        details.errorInstance instanceof Error
          ? (details.errorInstance.stack ?? details.errorInstance.message)
          : String(details.errorInstance);
      throw new Error(
        `case ${details.numRuns} of seed ${details.seed} failed (replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath})\n${cause}`,
      );
    }
    await closeWindow();

    if (process.env.FUZZ_VERBOSE) {
      console.log(
        `${cases} cases in ${Math.round(performance.now() - started)} ms: requests ${Math.round(timing.request)} ms, ` +
          `${fingerprints} fingerprints ${Math.round(timing.fingerprint)} ms\n` +
          [...statuses.entries()]
            .sort()
            .map(
              ([op, counts]) =>
                `${op} ${Math.round(routeTime.get(op) ?? 0)} ms ${JSON.stringify(Object.fromEntries([...counts.entries()].sort((a, b) => a[0] - b[0])))}`,
            )
            .join('\n'),
      );
      console.log(
        [...messageCounts.entries()]
          .sort((a, b) => a[0].localeCompare(b[0]))
          .map(([k, n]) => `${n} ${k}`)
          .join('\n'),
      );
    }
    if (REPLAY_PATH) return;
    expect(cases).toBeGreaterThanOrEqual(MIN_CASES);
    // Every route was reached, refused and taken: the run went past validation into the domain
    // everywhere, not only into the 400s of the generated shapes.
    const reach = routes.map((route) => {
      const counts = [...(statuses.get(route.operationId)?.entries() ?? [])];
      const sum = (pick: (status: number) => boolean) =>
        counts.filter(([st]) => pick(st)).reduce((n, [, k]) => n + k, 0);
      return {
        route: route.operationId,
        cases: sum(() => true),
        taken: sum((st) => st < 400),
        refused: sum((st) => st >= 400),
      };
    });
    expect(reach.filter((r) => r.cases < 30 || r.taken === 0 || r.refused === 0)).toEqual([]);
  }, 600_000);
});
