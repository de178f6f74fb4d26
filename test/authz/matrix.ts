/**
 * The authorization matrix: every route of the api, who may call it, and whose objects it
 * reaches. test/authz-matrix.e2e-spec.ts checks that it names exactly the routes the app serves
 * and runs each one as anonymous and as every role, on the caller's own object and on another
 * tenant's; docs/routes.md is this table written out (the same test compares them).
 *
 * A new route fails that test until it is classified here.
 */

export type Role = 'applicant' | 'clerk' | 'approver' | 'manager' | 'admin' | 'system';
/**
 * The signed-in callers, a column each: the roles, a manager bound to a department (and no
 * hall), who sees what that department's approvers see (libs/requests/src/request-scope.ts), and a
 * department's own system calling with its service account's API key (role `system`).
 */
export const SIGNED_IN = ['applicant', 'clerk', 'approver', 'manager', 'deptManager', 'admin', 'system'] as const;
export type SignedIn = (typeof SIGNED_IN)[number];
export type Caller = 'anonymous' | SignedIn;

/** The role a signed-in caller has: a department's manager is a manager. */
export const roleOf = (caller: SignedIn): Role => (caller === 'deptManager' ? 'manager' : caller);

/** Whether a caller is a person (signed in with a token), not a department's system. */
export const isPerson = (caller: Caller): boolean => caller !== 'anonymous' && caller !== 'system';

/**
 * Who may call a route: anyone without a token, any signed-in person (a department's system is
 * not one: it reaches only the routes that name it), or these roles (others: 403).
 */
export type Access = 'public' | 'signed-in' | readonly Role[];

/** Every role that may call a route open to any signed-in person and to the departments' systems. */
const PEOPLE_AND_SYSTEMS: readonly Role[] = ['applicant', 'clerk', 'approver', 'manager', 'admin', 'system'];

/**
 * What makes an object the caller's own (API.md: another tenant's is a 404, exactly like an
 * absent one).
 */
export type Tenancy =
  /** the request or company of the applicant's company */
  | 'company'
  /** the requests of the clerk's hall, and those no hall has taken yet (online submissions) */
  | 'hall'
  /** as the clerks of the manager's hall see them; every request when the manager is bound to no hall */
  | 'hall-or-all'
  /** the requests with a step of the approver's (or the department manager's) department */
  | 'department'
  /** as `department`, and only that department's steps: another department's step is a 404 */
  | 'department-step'
  /** every tenant's */
  | 'all'
  /**
   * no one's: every object is a 404 (a department's manager has no follow-ups, 整改 being a hall's;
   * a file is its company's and its uploading hall's only)
   */
  | 'none';

export type Scope = { readonly [C in SignedIn]: Tenancy };

/** API.md, Requests: who sees which request (libs/requests/src/request-scope.ts). */
export const REQUEST_SCOPE = {
  applicant: 'company',
  clerk: 'hall',
  approver: 'department',
  manager: 'hall-or-all',
  deptManager: 'department',
  admin: 'all',
  system: 'department',
} as const satisfies Scope;

/**
 * A step of a request: the request as above, and an approver (or the department's system) acts
 * only on their department's steps.
 */
export const STEP_SCOPE = {
  ...REQUEST_SCOPE,
  approver: 'department-step',
  system: 'department-step',
} as const satisfies Scope;

/** A follow-up (整改) of a request: the request as above, but a department's manager has none. */
export const FOLLOW_UP_SCOPE = { ...REQUEST_SCOPE, deptManager: 'none' } as const satisfies Scope;

/** A material's file by itself: its company's, and the hall whose clerk uploaded it for the company. */
export const FILE_SCOPE = {
  applicant: 'company',
  clerk: 'hall',
  approver: 'none',
  manager: 'none',
  deptManager: 'none',
  admin: 'none',
  system: 'none',
} as const satisfies Scope;

/** Staff see any company; an applicant only their own. */
export const COMPANY_SCOPE = {
  applicant: 'company',
  clerk: 'all',
  approver: 'all',
  manager: 'all',
  deptManager: 'all',
  admin: 'all',
  system: 'none',
} as const satisfies Scope;

/** The fresh object each case acts on, made through the API in the state the route needs. */
export type ObjectKind =
  | 'request:submitted'
  | 'request:supplement-required'
  | 'request:in-progress'
  /** in progress, its step (of the caller's department A) in a special procedure the approver started */
  | 'request:special-procedure'
  | 'request:refused'
  | 'follow-up:open'
  | 'follow-up:verified'
  | 'follow-up:rectified'
  | 'company'
  | 'draft-item'
  /** a file the clerk of the owner's hall uploaded for the owner's company */
  | 'file'
  /** a submitted request with a file of that kind attached as its material */
  | 'request:with-file'
  /** a licence of the owner's company, issued by the owner's department when its request completed */
  | 'licence'
  /** an active webhook subscription (the admins' only: no tenant owns it) */
  | 'webhook-subscription'
  /** a webhook delivery given up after its attempts */
  | 'webhook-delivery'
  /** a service account of the owner's department, not revoked */
  | 'service-account';

/** The path parameters an object fills in (`:id`, `:key`, `:uscc`, `:code`, `:version`…). */
export type Params = Readonly<Record<string, string>>;

/** What the test's fixtures offer a route's call: this run's codes and fresh ones. */
export interface Names {
  readonly password: string;
  readonly applicantUsername: string;
  readonly companyA: string;
  readonly departmentA: string;
  /** A hall of tenant A (a centre). */
  readonly hallA: string;
  readonly matterA: string;
  readonly itemA: string;
  readonly material: string;
  /** A code no other case or run uses, starting with `prefix`. */
  fresh(prefix: string): string;
  /** A valid USCC no other case or run uses. */
  freshUscc(): string;
  /** A Sunday far in the future: editing it moves no clock of any test. */
  readonly farSunday: string;
}

export interface CallContext {
  names: Names;
  caller: Caller;
  /** The object's path parameters (empty for a route that names no object). */
  object: Params;
}

export interface RouteRule {
  access: Access;
  /** Whose objects the route reaches, per role; absent when it names no tenant's object. */
  scope?: Scope;
  /** The caller's own user (profile, inbox): the route cannot name another's. */
  self?: true;
  /** A fresh object per case; its parameters fill the path. */
  object?: ObjectKind;
  /** A list: the caller's own object must be listed and another tenant's must not be. */
  lists?: 'requests' | 'tasks';
  /**
   * What an allowed caller gets on its own object. 503 only for the readiness probe: no worker runs
   * beside the matrix's api, so it is not ready there (test/operations.e2e-spec.ts shows its 200).
   */
  success: 200 | 201 | 503;
  /** The body is a file upload (multipart, a small PDF), not JSON. */
  upload?: true;
  /**
   * The answer is a stream that stays open (Server-Sent Events): the case reads the status and
   * closes it. What it sends, and to whom, test/live.e2e-spec.ts checks.
   */
  stream?: true;
  /** Path parameters that name no tenant's object (an item code, a calendar). */
  params?: (names: Names) => Params;
  query?: (call: CallContext) => Readonly<Record<string, string>>;
  body?: (call: CallContext) => object;
}

const days = (value: number) => ({ value, unit: 'workingDays' });
const material = (names: Names, reference = 'file:form.pdf') => [{ code: names.material, reference }];

export const MATRIX: Readonly<Record<string, RouteRule>> = {
  // ---- operations and identity ----
  'GET /health': { access: 'public', success: 200 },
  'GET /health/ready': { access: 'public', success: 503 },
  'GET /metrics': { access: ['admin'], success: 200 },
  'POST /api/v1/auth/login': {
    access: 'public',
    success: 200,
    body: ({ names }) => ({ username: names.applicantUsername, password: names.password }),
  },
  'POST /api/v1/auth/queues-pass': { access: ['admin'], success: 200 },
  'GET /api/v1/users': { access: ['admin'], success: 200 },
  'GET /api/v1/users/me': { access: 'signed-in', self: true, success: 200 },
  'POST /api/v1/users': {
    access: ['admin'],
    success: 201,
    body: ({ names }) => ({ username: names.fresh('user').toLowerCase(), password: names.password, role: 'manager' }),
  },
  'GET /api/v1/notifications': { access: 'signed-in', self: true, success: 200 },
  'GET /api/v1/events/stream': { access: PEOPLE_AND_SYSTEMS, stream: true, success: 200 },
  'GET /api/v1/service-accounts': { access: ['admin'], success: 200 },
  'POST /api/v1/service-accounts': {
    access: ['admin'],
    success: 201,
    body: ({ names }) => ({ name: names.fresh('system').toLowerCase(), departmentCode: names.departmentA }),
  },
  'POST /api/v1/service-accounts/:id/revoke': { access: ['admin'], object: 'service-account', success: 200 },

  // ---- the catalogue: admins write, anyone reads what is published ----
  'GET /api/v1/departments': { access: 'public', success: 200 },
  'POST /api/v1/departments': {
    access: ['admin'],
    success: 201,
    body: ({ names }) => ({ code: names.fresh('D'), name: '矩阵部门' }),
  },
  'GET /api/v1/halls': { access: 'public', success: 200 },
  'POST /api/v1/halls': {
    access: ['admin'],
    success: 201,
    body: ({ names }) => ({ code: names.fresh('H'), name: '矩阵大厅', level: 'centre' }),
  },
  'GET /api/v1/halls/nearby': {
    access: 'public',
    success: 200,
    query: () => ({ lat: '31.3', lng: '120.7', radiusKm: '5' }),
  },
  'PATCH /api/v1/halls/:code': {
    access: ['admin'],
    success: 200,
    params: (names) => ({ code: names.hallA }),
    body: () => ({ address: '矩阵测试地址' }),
  },
  'GET /api/v1/matters': { access: 'public', success: 200 },
  'POST /api/v1/matters': {
    access: ['admin'],
    success: 201,
    body: ({ names }) => ({
      code: names.fresh('M'),
      name: '矩阵事项',
      departmentCode: names.departmentA,
      promisedLimit: days(5),
      legalLimit: days(20),
      materials: [{ code: names.material, name: '申请表', required: true, key: true }],
      output: { kind: 'licence', name: '许可证' },
    }),
  },
  'GET /api/v1/items': { access: 'public', success: 200 },
  'POST /api/v1/items': {
    access: ['admin'],
    success: 201,
    body: ({ names }) => ({
      code: names.fresh('I'),
      name: '矩阵一件事',
      category: 'enterprise',
      calendarCode: 'always',
      promisedLimit: days(10),
      steps: [{ key: 'main', matterCode: names.matterA, dependsOn: [] }],
    }),
  },
  'GET /api/v1/items/:code': { access: 'public', success: 200, params: (names) => ({ code: names.itemA }) },
  'GET /api/v1/items/:code/versions/:version': {
    access: ['admin'],
    success: 200,
    params: (names) => ({ code: names.itemA, version: '1' }),
  },
  'POST /api/v1/items/:code/versions/:version/publish': { access: ['admin'], object: 'draft-item', success: 200 },

  // ---- calendars: signed-in users read, admins edit ----
  'GET /api/v1/calendars/:code/days': {
    access: 'signed-in',
    success: 200,
    params: () => ({ code: 'zone' }),
    query: () => ({ from: '2026-03-02', to: '2026-03-08' }),
  },
  'GET /api/v1/calendars/:code/due': {
    access: 'signed-in',
    success: 200,
    params: () => ({ code: 'zone' }),
    query: () => ({ from: '2026-03-02T10:00:00+08:00', value: '1', unit: 'workingDays' }),
  },
  'PUT /api/v1/calendars/:code/days/:date': {
    access: ['admin'],
    success: 200,
    params: (names) => ({ code: 'zone', date: names.farSunday }),
    body: () => ({ working: false, name: '矩阵测试休息日' }),
  },

  // ---- companies ----
  'POST /api/v1/companies': {
    access: ['admin', 'clerk'],
    success: 201,
    body: ({ names }) => ({ uscc: names.freshUscc(), name: '矩阵公司' }),
  },
  'GET /api/v1/companies/:uscc': { access: 'signed-in', scope: COMPANY_SCOPE, object: 'company', success: 200 },

  // ---- materials as files ----
  'POST /api/v1/files': {
    access: ['applicant', 'clerk'],
    success: 201,
    upload: true,
    // An applicant uploads for their own company; a clerk names the company (代办).
    query: ({ names, caller }): Record<string, string> =>
      caller === 'applicant' ? {} : { companyUscc: names.companyA },
  },
  'GET /api/v1/files/:fileId': { access: 'signed-in', scope: FILE_SCOPE, object: 'file', success: 200 },
  'GET /api/v1/files/:fileId/content': { access: 'signed-in', scope: FILE_SCOPE, object: 'file', success: 200 },
  'GET /api/v1/requests/:id/files': {
    access: 'signed-in',
    scope: REQUEST_SCOPE,
    object: 'request:with-file',
    success: 200,
  },
  'GET /api/v1/requests/:id/files/:fileId/content': {
    access: 'signed-in',
    scope: REQUEST_SCOPE,
    object: 'request:with-file',
    success: 200,
  },

  // ---- webhooks out: the admins' only ----
  'POST /api/v1/webhook-subscriptions': {
    access: ['admin'],
    success: 201,
    // A type that does not come on the matrix's always-open calendar: nothing is sent to the closed port.
    body: ({ names }) => ({
      url: 'http://127.0.0.1:9/matrix',
      events: ['request.intake-overdue'],
      departmentCode: names.departmentA,
    }),
  },
  'GET /api/v1/webhook-subscriptions': { access: ['admin'], success: 200 },
  'POST /api/v1/webhook-subscriptions/:subscriptionId/disable': {
    access: ['admin'],
    object: 'webhook-subscription',
    success: 200,
  },
  'GET /api/v1/webhook-deliveries': { access: ['admin'], success: 200, query: () => ({ status: 'failed' }) },
  'POST /api/v1/webhook-deliveries/:deliveryId/resend': {
    access: ['admin'],
    object: 'webhook-delivery',
    success: 200,
  },

  // ---- electronic licences (电子证照): staff read any company's; the issuing department revokes ----
  'GET /api/v1/licences': { access: 'signed-in', success: 200 },
  'GET /api/v1/licences/coverage': {
    access: ['applicant', 'clerk'],
    success: 200,
    query: ({ names, caller }): Record<string, string> =>
      caller === 'applicant' ? { itemCode: names.itemA } : { itemCode: names.itemA, uscc: names.companyA },
  },
  'GET /api/v1/licences/verify/:code': { access: 'public', object: 'licence', success: 200 },
  'GET /api/v1/licences/:licenceId': { access: 'signed-in', scope: COMPANY_SCOPE, object: 'licence', success: 200 },
  'POST /api/v1/licences/:licenceId/revoke': {
    access: ['approver'],
    scope: { ...COMPANY_SCOPE, approver: 'department' },
    object: 'licence',
    success: 200,
    body: () => ({ reason: '矩阵测试撤销' }),
  },

  // ---- requests ----
  'POST /api/v1/requests': {
    access: ['applicant', 'clerk'],
    success: 201,
    // An applicant applies for their own company; anyone else would name the company (代办).
    body: ({ names, caller }) => ({
      itemCode: names.itemA,
      form: {},
      materials: material(names),
      ...(caller === 'applicant' ? {} : { onBehalfOf: names.companyA }),
    }),
  },
  'GET /api/v1/requests': {
    access: 'signed-in',
    scope: REQUEST_SCOPE,
    object: 'request:submitted',
    lists: 'requests',
    success: 200,
    query: ({ object }) => ({ itemCode: object.itemCode, limit: '100' }),
  },
  'GET /api/v1/requests/:id': {
    access: PEOPLE_AND_SYSTEMS,
    scope: REQUEST_SCOPE,
    object: 'request:submitted',
    success: 200,
  },
  'GET /api/v1/requests/:id/timeline': {
    access: 'signed-in',
    scope: REQUEST_SCOPE,
    object: 'request:submitted',
    success: 200,
  },
  'POST /api/v1/requests/:id/accept': {
    access: ['clerk'],
    scope: REQUEST_SCOPE,
    object: 'request:submitted',
    success: 200,
    body: () => ({}),
  },
  'POST /api/v1/requests/:id/refuse': {
    access: ['clerk'],
    scope: REQUEST_SCOPE,
    object: 'request:submitted',
    success: 200,
    body: () => ({ reason: '材料不符合法定形式' }),
  },
  'POST /api/v1/requests/:id/supplement-requests': {
    access: ['clerk'],
    scope: REQUEST_SCOPE,
    object: 'request:submitted',
    success: 200,
    body: ({ names }) => ({ materials: [names.material], note: '请补正申请表' }),
  },
  'POST /api/v1/requests/:id/supplements': {
    access: ['applicant'],
    scope: REQUEST_SCOPE,
    object: 'request:supplement-required',
    success: 200,
    body: ({ names }) => ({ materials: material(names, 'file:form-2.pdf') }),
  },
  'POST /api/v1/requests/:id/withdraw': {
    access: ['applicant'],
    scope: REQUEST_SCOPE,
    object: 'request:submitted',
    success: 200,
    body: () => ({}),
  },
  'POST /api/v1/requests/:id/extensions': {
    access: ['manager'],
    scope: REQUEST_SCOPE,
    object: 'request:in-progress',
    success: 200,
    body: () => ({ workingDays: 2, reason: '需要现场核查' }),
  },

  // ---- the departments' steps ----
  'GET /api/v1/tasks': {
    access: ['approver', 'system'],
    scope: STEP_SCOPE,
    object: 'request:in-progress',
    lists: 'tasks',
    success: 200,
    query: () => ({ limit: '100' }),
  },
  'POST /api/v1/requests/:id/steps/:key/approve': {
    access: ['approver', 'system'],
    scope: STEP_SCOPE,
    object: 'request:in-progress',
    success: 200,
    body: () => ({}),
  },
  'POST /api/v1/requests/:id/steps/:key/deny': {
    access: ['approver', 'system'],
    scope: STEP_SCOPE,
    object: 'request:in-progress',
    success: 200,
    body: () => ({ reason: '不符合许可条件' }),
  },
  'POST /api/v1/requests/:id/steps/:key/supplement-requests': {
    access: ['approver', 'system'],
    scope: STEP_SCOPE,
    object: 'request:in-progress',
    success: 200,
    body: ({ names }) => ({ materials: [names.material], note: '请补正申请表' }),
  },
  'POST /api/v1/requests/:id/steps/:key/special-procedures': {
    access: ['approver'],
    scope: STEP_SCOPE,
    object: 'request:in-progress',
    success: 200,
    body: () => ({ reason: '专家评审', endsAt: new Date(Date.now() + 86_400_000).toISOString() }),
  },
  'POST /api/v1/requests/:id/steps/:key/special-procedures/end': {
    access: ['approver'],
    scope: STEP_SCOPE,
    object: 'request:special-procedure',
    success: 200,
  },

  // ---- reports: managers (a hall's manager gets that hall's figures) and admins ----
  'GET /api/v1/reports/turnaround': {
    access: ['manager', 'admin'],
    success: 200,
    query: () => ({ from: '2026-01-01', to: '2026-01-31', groupBy: 'department' }),
  },
  'GET /api/v1/reports/backlog': { access: ['manager', 'admin'], success: 200 },
  'GET /api/v1/reports/overdue': { access: ['manager', 'admin'], success: 200 },
  'GET /api/v1/reports/satisfaction': {
    access: ['manager', 'admin'],
    success: 200,
    query: () => ({ from: '2026-01-01', to: '2026-01-31', groupBy: 'item' }),
  },
  'GET /api/v1/reports/throughput': {
    access: ['manager', 'admin'],
    success: 200,
    query: () => ({ from: '2026-01-01', to: '2026-01-31', interval: 'week' }),
  },

  // ---- evaluations (好差评) and their follow-ups (整改) ----
  'POST /api/v1/requests/:id/evaluation': {
    access: ['applicant'],
    scope: REQUEST_SCOPE,
    object: 'request:refused',
    success: 201,
    body: () => ({ score: 4, comment: '办理顺利' }),
  },
  'GET /api/v1/follow-ups': { access: ['manager', 'admin'], success: 200 },
  'POST /api/v1/requests/:id/follow-up/verify': {
    access: ['manager'],
    scope: FOLLOW_UP_SCOPE,
    object: 'follow-up:open',
    success: 200,
    body: () => ({ note: '情况属实' }),
  },
  'POST /api/v1/requests/:id/follow-up/rectify': {
    access: ['manager'],
    scope: FOLLOW_UP_SCOPE,
    object: 'follow-up:verified',
    success: 200,
    body: () => ({ note: '已整改' }),
  },
  'POST /api/v1/requests/:id/follow-up/feedback': {
    access: ['manager'],
    scope: FOLLOW_UP_SCOPE,
    object: 'follow-up:rectified',
    success: 200,
    body: () => ({ message: '感谢反馈，已整改完毕' }),
  },
};
