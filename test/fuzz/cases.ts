import fc from 'fast-check';
import { hostileString, hostileText, hostileValue, ODD_CURSORS, ODD_IDS, ODD_NUMBER_TEXTS } from './hostile.js';
import {
  type Hints,
  type Mutation,
  mutation,
  type OpenApiDocument,
  type Parameter,
  Pick,
  type Route,
  type Schema,
  SchemaArbitraries,
} from './openapi-arbitraries.js';
import { GIF, JPEG, PDF, PDF_WITH_JS, PNG, zipOf } from '../fixtures/sample-files.js';
import { FORM_SCHEMA, PASSWORD } from './world.js';

/**
 * What a fuzz case is, and the generator of them: for each route of the OpenAPI document, values
 * made from the DTOs' schemas (naming the fixtures' rows through the pools the hints say) with
 * hostile ones mixed in, who sends them, and with which headers and body.
 */

export type Auth =
  | { kind: 'role'; allowed: boolean; index: number }
  | { kind: 'none' }
  | { kind: 'header'; value: string | string[] }
  | { kind: 'forged'; forgery: Forgery };

export type Forgery = 'wrong-secret' | 'alg-none' | 'expired' | 'unknown-role' | 'tampered' | 'lowercase-scheme';

export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; mutations: Mutation[] }
  | { kind: 'duplicate-key'; value: unknown; at: number; duplicate: unknown }
  | { kind: 'raw'; contentType: string | undefined; text: string }
  | { kind: 'bytes'; contentType: string; bytes: number[] }
  | { kind: 'multipart'; boundary: string; header: 'boundary' | 'none' | 'other'; parts: Part[]; closed: boolean };

/** A part of a multipart body: a form field, or a file when it has a filename. */
export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  bytes: number[];
}

export type Value = string | Pick;

export interface FuzzCase {
  route: number;
  auth: Auth;
  path: Record<string, Value>;
  query: [string, Value][];
  body: Body;
  idempotencyKey?: string | string[];
  headers: Record<string, string>;
}

export interface Sent {
  /** The body has a key twice: the parser must refuse it. */
  duplicateKey: boolean;
  /** Each path parameter as the server decodes it; null for a malformed escape or a dot segment. */
  pathValues: Record<string, string | null>;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string;
}

/** Which pool of the fixtures' rows a parameter or field takes its values from. */
export const hints: Hints = {
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
  'CreateHallDto.itemCodes[]': 'items',
  'UpdateHallDto.itemCodes[]': 'items',
  'HallsController_update.path.code': 'halls',
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
  'SubmittedMaterialDto.fileId': 'files',
  'path.fileId': 'files',
  'path.licenceId': 'licences',
  'CreateServiceAccountDto.name': 'freshCodes',
  'CreateServiceAccountDto.departmentCode': 'departments',
  'ServiceAccountsController_revoke.path.id': 'serviceAccounts',
  'LicencesController_verify.path.code': 'verificationCodes',
  'query.uscc': 'companies',
  'query.kind': 'licenceKinds',
  'query.companyUscc': 'companies',
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
  'CreateWebhookSubscriptionDto.url': 'webhookUrls',
  'CreateWebhookSubscriptionDto.events[]': 'webhookEvents',
  'CreateWebhookSubscriptionDto.departmentCode': 'departments',
  'CreateWebhookSubscriptionDto.secret': 'webhookSecrets',
  'path.subscriptionId': 'webhookSubscriptions',
  'query.subscriptionId': 'webhookSubscriptions',
  'path.deliveryId': 'webhookDeliveries',
  'query.hallCode': 'halls',
  'query.departmentCode': 'departments',
  'query.itemCode': 'items',
  'query.from': 'dates',
  'query.to': 'dates',
  'CalendarsController_due.query.from': 'instants',
  'CalendarsController_days.query.from': 'listedFrom',
  'CalendarsController_days.query.to': 'listedTo',
};

/** The cases over `routes`; `u` keeps this run's Idempotency-Keys apart from other runs'. */
export function caseArbitrary(doc: OpenApiDocument, routes: Route[], u: string): fc.Arbitrary<FuzzCase> {
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
  // 一张表单: mostly a form generated from the first item's schema (the second item takes any object),
  // sometimes free keys and values its schema refuses.
  const form = fc.oneof(
    { weight: 3, arbitrary: schemas.valid(FORM_SCHEMA as unknown as Schema) },
    { weight: 1, arbitrary: fc.dictionary(text(20), fc.oneof(text(200), fc.integer(), fc.boolean()), { maxKeys: 5 }) },
  );
  const submission = fc.record({
    itemCode: picked('items'),
    form,
    materials: fc
      .subarray(['C', 'D'])
      .chain((extra) =>
        fc.tuple(...['A', 'B', ...extra].map((code) => text(500).map((reference) => ({ code, reference })))),
      ),
  });
  // A hall's place: coordinates (a pair), an address, weekly hours and the items it takes in, each optional.
  const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45));
  const range = fc
    .tuple(hhmm, fc.integer({ min: 15, max: 600 }))
    .map(([[h, m], minutes]) => [h * 60 + m, Math.min(h * 60 + m + minutes, 24 * 60)])
    .map(([from, to]) =>
      [from, to]
        .map((t) => `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`)
        .join('-'),
    );
  const hallPlace = fc
    .record(
      {
        coordinates: fc.record({
          lat: fc.double({ min: -90, max: 90, noNaN: true }),
          lng: fc.double({ min: -180, max: 180, noNaN: true }),
        }),
        address: text(200),
        openingHours: fc.dictionary(fc.constantFrom('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'), fc.tuple(range), {
          maxKeys: 7,
        }),
        itemCodes: fc.array(picked('items'), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    )
    .map(({ coordinates, ...place }) => ({ ...coordinates, ...place }));
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
      fc
        .tuple(fc.record({ code: picked('freshCodes'), name: text(100), parentCode: picked('halls') }), hallPlace)
        .map(([hall, place]) => ({ ...hall, level: 'point', ...place })),
    ),
    HallsController_update: fc
      .tuple(fc.record({ name: text(100) }, { requiredKeys: [] }), hallPlace)
      .map(([name, place]) => ({ ...name, ...place })),
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
    // A supplement's answer, with a corrected form or without.
    RequestsController_supply: fc
      .tuple(
        someMaterials.chain((codes) =>
          fc.tuple(...codes.map((code) => text(500).map((reference) => ({ code, reference })))),
        ),
        fc.option(form, { nil: undefined }),
      )
      .map(([materials, corrected]) => (corrected ? { materials, form: corrected } : { materials })),
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
    WebhooksController_create: fc.record(
      {
        url: picked('webhookUrls'),
        events: fc.array(picked('webhookEvents'), { minLength: 1, maxLength: 3 }),
        departmentCode: picked('departments'),
        secret: picked('webhookSecrets'),
      },
      { requiredKeys: ['url', 'events'] },
    ),
  };

  // An upload: mostly one part named file holding a file of a type the desk takes, under a name that
  // may be hostile; else bytes of another type or none at all, a field where the file should be, two
  // files, a body cut short, a Content-Type without its boundary or naming another one.
  const fileName = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('营业执照.pdf', 'a.pdf', 'scan.png', '章程 (1).ofd', 'photo.jpg') },
    { weight: 2, arbitrary: hostileString.map(short) },
  );
  const fileBytes = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(PDF, PNG, JPEG, zipOf('OFD.xml'), PDF_WITH_JS) },
    { weight: 1, arbitrary: fc.constantFrom(GIF, zipOf('word/document.xml'), Buffer.from('%PDF'), Buffer.alloc(0)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) },
  );
  const filePart = fc.record({
    name: fc.constant('file'),
    filename: fileName,
    contentType: fc.constantFrom('application/pdf', 'image/png', 'text/html', 'application/octet-stream'),
    bytes: fileBytes.map((b) => [...b]),
  });
  const fieldPart = fc.record({
    name: fc.constantFrom('other', 'companyUscc', 'file'),
    bytes: hostileString.map((t) => [...Buffer.from(short(t))]),
  });
  const multipart: fc.Arbitrary<Body> = fc.record({
    kind: fc.constant('multipart' as const),
    boundary: fc.oneof(
      { weight: 9, arbitrary: fc.nat().map((n) => `----fz${n.toString(36)}`) },
      { weight: 1, arbitrary: fc.constantFrom('x', 'b'.repeat(70), 'a b') },
    ),
    header: fc.constantFrom<('boundary' | 'none' | 'other')[]>(...Array(18).fill('boundary'), 'none', 'other'),
    parts: fc.oneof(
      { weight: 12, arbitrary: filePart.map((p): Part[] => [p]) },
      { weight: 1, arbitrary: fc.tuple(fieldPart, filePart).map((p): Part[] => [...p]) },
      { weight: 1, arbitrary: fc.tuple(filePart, filePart).map((p): Part[] => [...p]) },
      { weight: 1, arbitrary: fieldPart.map((p): Part[] => [p]) },
      { weight: 1, arbitrary: fc.constant<Part[]>([]) },
    ),
    closed: fc.constantFrom(true, true, true, true, true, true, true, true, true, false),
  });

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
    if (route.multipart) {
      return fc.oneof(
        { weight: 12, arbitrary: multipart },
        { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
        { weight: 2, arbitrary: hostileBody },
      );
    }
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
          .tuple(fc.constantFrom('admin', 'limit', 'role', '__proto__', 'toString', 'a[b]', '', '%'), hostileQueryValue)
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
    const has = (name: string) => pathParams.some((p) => p.name === name);
    /** Mostly two parameters from one entry of a pool of `a|b|…` pairs, else each on its own. */
    const paired = (pool: string, names: [string, string]) =>
      fc.oneof(
        { weight: 1, arbitrary: each },
        {
          weight: 3,
          arbitrary: fc.nat().map((i): Record<string, Value> => ({
            [names[0]]: new Pick(pool, i, 0),
            [names[1]]: new Pick(pool, i, 1),
          })),
        },
      );
    // A step action mostly names a step that is active now (ending a special procedure, one running);
    // a request's file, one attached to it.
    const path =
      has('id') && has('key')
        ? paired(route.operationId === 'RequestsController_endSpecialProcedure' ? 'procedureSteps' : 'activeSteps', [
            'id',
            'key',
          ])
        : has('id') && has('fileId')
          ? paired('requestFiles', ['id', 'fileId'])
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

  // Argon2 makes each login and user creation cost tens of milliseconds: they get fewer cases (half,
  // so that with more routes each still gets its 30 cases or more).
  const weightOf = (route: Route) =>
    /^(AuthController_login|UsersController_create)$/.test(route.operationId) ? 2 : 4;
  return fc.oneof(...routes.map((route, i) => ({ weight: weightOf(route), arbitrary: caseFor(i) })));
}
