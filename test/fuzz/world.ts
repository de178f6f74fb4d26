import type { ActorRole, Role } from '#database';
import type { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { DataSource } from 'typeorm';
import { PDF, PNG } from '../fixtures/sample-files.js';
import { apiOf, base31, buildWorld, usccWith, workingDays, type UserSpec } from '../fixtures/world.js';
import { unique } from '../helpers.js';
import { TEST_ENV } from '../test-env.js';
import type { Forgery } from './cases.js';
import { ROLE_NAMES } from './judge.js';
import type { Route } from './openapi-arbitraries.js';
import type { RawResponse } from './raw-http.js';

export const PASSWORD = 'fuzz-pass-2026';

/**
 * The first item's form (一张表单): the cases generate forms from it (test/fuzz/cases.ts), so a
 * submission's form is mostly one the schema takes and sometimes one it must refuse.
 */
export const FORM_SCHEMA = {
  type: 'object',
  required: ['companyName', 'companyType'],
  additionalProperties: false,
  properties: {
    companyName: { type: 'string', minLength: 2, maxLength: 60 },
    companyType: { type: 'string', enum: ['有限责任公司', '股份有限公司', '个人独资企业'] },
    registeredCapital: { type: 'number', minimum: 1, maximum: 10000000 },
    businessScope: { type: 'string', minLength: 2, maxLength: 500 },
  },
} as const;

/** A valid USCC: 91 (enterprise), a region, `serial` in the USCC alphabet, its check character. */
const uscc = (region: string, serial: number) => usccWith(`91${region}`, base31(serial, 9));

/**
 * What the fuzz cases name, all made through the API but the calendar (there is no route that
 * makes one): two departments, a centre and its branch, two matters, two published items (one on
 * `always`, one on a calendar of this run's own) and a draft, two companies, users of each role,
 * requests in each state an action starts from, follow-ups at each stage; tokens forged in each
 * way; and the pools of values the cases pick from, kept up to date from the answers.
 */
export class FuzzWorld {
  readonly u = unique().toUpperCase();
  private readonly code = (name: string) => `FZ-${name}-${this.u}`;
  readonly calendar = `fz-${this.u}`.toLowerCase();
  readonly departments = [this.code('D1'), this.code('D2')];
  readonly halls = [this.code('H1'), this.code('H2')];
  readonly matters = [this.code('M1'), this.code('M2')];
  readonly items = [this.code('I1'), this.code('I2')];
  readonly draftItem = this.code('J');
  readonly companies = [uscc('320594', Date.now() % 31 ** 8), uscc('320595', Date.now() % 31 ** 8)];

  /** Users of each role (two applicants and two approvers: of two companies, of two departments). */
  /** A department's own system (role `system`, its API key as its token) of each department too. */
  readonly users: Record<ActorRole, { username: string; id: string; token: string; departmentCode?: string }[]> = {
    applicant: [],
    clerk: [],
    approver: [],
    manager: [],
    admin: [],
    system: [],
  };
  readonly forged = {} as Record<Forgery, string>;
  readonly pools: Record<string, string[]> = {};
  private readonly statusOf = new Map<string, string>();

  constructor(
    private readonly app: INestApplication,
    private readonly db: DataSource,
  ) {}

  async build(): Promise<void> {
    const { calendar, departments, halls, matters, items, draftItem, companies, users, u } = this;
    await this.db.query(
      `INSERT INTO calendars (code, name, utc_offset_minutes, weekly_hours, adjusted_workday_hours, days_rule, created_at, updated_at)
       SELECT ?, 'fuzz', utc_offset_minutes, weekly_hours, adjusted_workday_hours, days_rule, created_at, updated_at
         FROM calendars WHERE code = 'zone'`,
      [calendar],
    );
    const material = (c: string, required: boolean, key: boolean) => ({ code: c, name: `材料${c}`, required, key });
    const steps = [
      { key: 's1', matterCode: matters[0] },
      { key: 's2', matterCode: matters[1] },
      { key: 's3', matterCode: matters[0], dependsOn: ['s1'] },
    ];
    const people: [Role, UserSpec][] = [
      ['applicant', { role: 'applicant', companyUscc: companies[0] }],
      ['applicant', { role: 'applicant', companyUscc: companies[1] }],
      ['clerk', { role: 'clerk', hallCode: halls[0] }],
      ['approver', { role: 'approver', departmentCode: departments[0] }],
      ['approver', { role: 'approver', departmentCode: departments[1] }],
      ['manager', { role: 'manager' }],
    ];
    const keys = people.map(([role], i) =>
      `fz-${role}-${people.slice(0, i).filter(([r]) => r === role).length}-${u}`.toLowerCase(),
    );
    const world = await buildWorld(this.app, {
      departments: departments.map((d, i) => ({ code: d, name: `部门${i}` })),
      halls: [
        { code: halls[0], name: '中心', level: 'centre' },
        { code: halls[1], name: '分中心', level: 'branch', parentCode: halls[0] },
      ],
      matters: [
        {
          code: matters[0],
          name: '事项一',
          departmentCode: departments[0],
          promisedLimit: workingDays(3),
          legalLimit: workingDays(20),
          materials: [material('A', true, true), material('B', true, false), material('C', false, false)],
          output: { kind: 'licence', name: '许可证' },
        },
        {
          code: matters[1],
          name: '事项二',
          departmentCode: departments[1],
          promisedLimit: workingDays(2),
          legalLimit: workingDays(10),
          materials: [material('A', true, true), material('D', false, false)],
          output: { kind: 'certificate', name: '证明' },
        },
      ],
      items: [
        ...items.map((item, i) => ({
          code: item,
          name: `一件事${i}`,
          category: 'enterprise',
          calendarCode: i === 0 ? 'always' : calendar,
          promisedLimit: workingDays(5),
          steps,
          formSchema: i === 0 ? FORM_SCHEMA : { type: 'object' },
        })),
        { code: draftItem, name: '草稿', category: 'enterprise', promisedLimit: workingDays(5), steps, publish: false },
      ],
      companies: companies.map((c, i) => ({ uscc: c, name: `公司${i}` })),
      users: Object.fromEntries(people.map(([, spec], i) => [keys[i], spec])),
      password: PASSWORD,
    });
    users.admin.push({ username: 'admin', id: world.ids.admin, token: world.tokens.admin });
    people.forEach(([role, { role: _, ...binding }], i) =>
      users[role].push({ username: keys[i], id: world.ids[keys[i]], token: world.tokens[keys[i]], ...binding }),
    );

    // Requests in each state an action starts from: submitted, in progress, waiting for a supplement.
    const { post, http } = apiOf(() => this.app);
    const must = async (path: string, token: string, body: object = {}) => {
      const res = await post(path, token, body);
      if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
      return res.body as { id: string; steps: unknown };
    };
    // The departments' own systems: one of each department, calling with its API key, and spares to revoke.
    const serviceAccount = async (name: string, departmentCode: string) => {
      const res = await post('/service-accounts', users.admin[0].token, { name, departmentCode });
      if (res.status !== 201) throw new Error(`POST /service-accounts: ${res.status} ${res.text}`);
      return res.body as { id: string; name: string; apiKey: string };
    };
    for (const [i, departmentCode] of departments.entries()) {
      const system = await serviceAccount(`fz-system-${i}-${u}`.toLowerCase(), departmentCode);
      users.system.push({ username: system.name, id: system.id, token: system.apiKey, departmentCode });
    }
    const spareAccounts: string[] = [];
    for (let i = 0; i < 30; i++) {
      spareAccounts.push((await serviceAccount(`fz-spare-${i}-${u}`.toLowerCase(), departments[i % 2])).id);
    }
    const submission = {
      itemCode: items[0],
      form: { companyName: '示范科技', companyType: '有限责任公司' },
      materials: [
        { code: 'A', reference: 'file:a.pdf' },
        { code: 'B', reference: 'file:b.pdf' },
      ],
    };
    // Files of each company (one a clerk uploaded for the first), the first request's material A one of them.
    const uploadAs = async (token: string, bytes: Buffer, name: string, query = '') => {
      const res = await http()
        .post(`/api/v1/files${query}`)
        .set('Authorization', `Bearer ${token}`)
        .attach('file', bytes, name);
      if (res.status !== 201) throw new Error(`POST /files: ${res.status} ${res.text}`);
      return String(res.body.id);
    };
    const files = [
      await uploadAs(users.applicant[0].token, PDF, '章程.pdf'),
      await uploadAs(users.applicant[1].token, PNG, 'licence.png'),
      await uploadAs(users.clerk[0].token, PDF, '代办.pdf', `?companyUscc=${companies[0]}`),
    ];
    const ids: string[] = [];
    for (let i = 0; i < 18; i++) {
      const applicant = users.applicant[i % 2].token;
      const body =
        i === 0
          ? {
              ...submission,
              materials: [{ code: 'A', reference: '章程.pdf', fileId: files[0] }, submission.materials[1]],
            }
          : submission;
      ids.push((await must('/requests', applicant, body)).id);
    }
    const clerk = users.clerk[0].token;
    const accepted: { id: string; steps: unknown; specialProcedures?: unknown }[] = [];
    for (const id of ids.slice(0, 12)) accepted.push(await must(`/requests/${id}/accept`, clerk));
    // Special procedures (特别程序) running on four of them, two per department, for the cases that end one.
    const endsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    for (const [i, [key, approver]] of (
      [
        ['s1', users.approver[0].token],
        ['s2', users.approver[1].token],
        ['s1', users.approver[0].token],
        ['s2', users.approver[1].token],
      ] as const
    ).entries()) {
      accepted[2 + i] = await must(`/requests/${ids[2 + i]}/steps/${key}/special-procedures`, approver, {
        reason: '需要现场核查',
        endsAt,
      });
    }
    // Three wait for a supplement of A, the material the cases' bodies name most often (someMaterials),
    // of both applicants: some generated supplies answer one exactly, whatever the other cases did first.
    for (const id of ids.slice(12, 15))
      await must(`/requests/${id}/supplement-requests`, clerk, { materials: ['A'], note: '请补正' });
    // Eight more in progress: the step actions (a department's approvers' and its system's) draw on one
    // pool of active steps, and a run's denials could drain it before a step's supplement request was taken.
    for (let i = 0; i < 8; i++) {
      const { id } = await must('/requests', users.applicant[i % 2].token, submission);
      accepted.push(await must(`/requests/${id}/accept`, clerk));
    }

    // A completed request: its three outputs are licences (电子证照) to read, verify and revoke.
    const done = await must('/requests', users.applicant[0].token, submission);
    await must(`/requests/${done.id}/accept`, clerk);
    let completed: unknown = null;
    for (const [key, approver] of [
      ['s1', users.approver[0].token],
      ['s2', users.approver[1].token],
      ['s3', users.approver[0].token],
    ] as const) {
      completed = await must(`/requests/${done.id}/steps/${key}/approve`, approver, { outputNumber: `FZ-${key}-${u}` });
    }
    const issued = (completed as { outputs: { kind: string; licence: { id: string; verificationCode: string } }[] })
      .outputs;

    // Ended requests to rate, and follow-ups (opened by a 1) at each stage for the zone-wide manager.
    const refused: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = (await must('/requests', users.applicant[0].token, submission)).id;
      await must(`/requests/${id}/refuse`, clerk, { reason: '不属于受理范围' });
      refused.push(id);
    }
    const followUps: Record<'open' | 'verified' | 'rectified', string[]> = { open: [], verified: [], rectified: [] };
    const manager = users.manager[0].token;
    for (const [i, id] of refused.slice(4).entries()) {
      await must(`/requests/${id}/evaluation`, users.applicant[0].token, { score: 1 });
      if (i >= 2) await must(`/requests/${id}/follow-up/verify`, manager, { note: '属实' });
      if (i >= 4) await must(`/requests/${id}/follow-up/rectify`, manager, { note: '已整改' });
      followUps[i < 2 ? 'open' : i < 4 ? 'verified' : 'rectified'].push(id);
    }

    // Webhook subscriptions to disable, and deliveries given up to re-send (written as the worker leaves
    // them: no worker runs here). Their URL is a closed port of this machine (WEBHOOK_ALLOWED_HOSTS).
    const webhookUrls = ['http://127.0.0.1:9/fuzz', 'https://127.0.0.1:9/fuzz?x=1'];
    const subscriptions: string[] = [];
    for (let i = 0; i < 12; i++) {
      const created = await must('/webhook-subscriptions', users.admin[0].token, {
        url: webhookUrls[0],
        events: ['request.intake-overdue'],
        departmentCode: departments[0],
      });
      subscriptions.push(String(created.id));
    }
    const deliveries: string[] = [];
    for (let i = 0; i < 12; i++) {
      const result = (await this.db.query(
        `INSERT INTO webhook_deliveries (subscription_id, event_id, message_id, event_type, request_id, body, status, attempts, last_status_code, created_at, finished_at)
         VALUES (?, ?, ?, 'request.submitted', ?, '{}', 'failed', 1, 500, NOW(3), NOW(3))`,
        [subscriptions[i], i + 1, `msg_fuzz_${u}_${i}`, ids[0]],
      )) as { insertId: number };
      deliveries.push(String(result.insertId));
    }

    const now = Date.now();
    Object.assign(this.pools, {
      webhookSubscriptions: subscriptions,
      webhookDeliveries: deliveries,
      webhookUrls,
      webhookEvents: ['request.*', 'step.*', 'sla.*', 'request.completed', 'step.approved', 'licence.revoked'],
      webhookSecrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'],
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
      files,
      requestFiles: [`${ids[0]}|${files[0]}`],
      licences: issued.map((o) => o.licence.id),
      serviceAccounts: spareAccounts,
      verificationCodes: issued.map((o) => o.licence.verificationCode),
      licenceKinds: [...new Set(issued.map((o) => o.kind))],
      versions: ['1', '2', '3'],
      dates: ['2026-10-01', '2026-10-08', '2027-01-01', '2026-12-31', '2026-02-28', '2028-02-29'],
      // A calendar lists at most 366 days from `from` to `to`: every pair of these is a period it lists.
      listedFrom: ['2026-10-01', '2026-12-01'],
      listedTo: ['2026-12-31', '2027-01-01'],
      futureInstants: [1, 7, 30, 400].map((days) => new Date(now + days * 86_400_000).toISOString()),
      instants: ['2026-09-30T10:00:00+08:00', '2026-10-08T16:59:00+08:00', new Date(now).toISOString()],
    });
    ids.forEach((id, i) => this.seeRequest(id, i < 12 ? 'in_progress' : i < 15 ? 'supplement_required' : 'submitted'));
    for (const view of accepted) this.seeRequest(view.id, 'in_progress', view.steps, view.specialProcedures);
    this.forgeTokens(this.app.get(JwtService));
  }

  private forgeTokens(jwt: JwtService): void {
    const { users, forged } = this;
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

  /**
   * Keeps the pools up to date with a request's status (`requests:<status>`), its steps active now
   * and the special procedures running on them.
   */
  seeRequest(id: string, status: string, steps?: unknown, procedures?: unknown): void {
    if (status !== 'in_progress') {
      // A request no longer in progress has no procedure anyone may end.
      this.pools.procedureSteps = (this.pools.procedureSteps ?? []).filter((entry) => !entry.startsWith(`${id}|`));
    } else if (Array.isArray(procedures) && Array.isArray(steps)) {
      // `id|key|department` of each running procedure: ending one names it (id and key from one entry).
      const department = new Map(
        (steps as { key?: unknown; departmentCode?: unknown }[]).map((step) => [step.key, step.departmentCode]),
      );
      const running = (procedures as { stepKey?: unknown; endedAt?: unknown }[])
        .filter((p) => p.endedAt === null && typeof p.stepKey === 'string')
        .map((p) => `${id}|${String(p.stepKey)}|${String(department.get(p.stepKey))}`);
      this.pools.procedureSteps = [
        ...(this.pools.procedureSteps ?? []).filter((entry) => !entry.startsWith(`${id}|`)),
        ...running,
      ].sort();
    }
    if (Array.isArray(steps) || status !== 'in_progress') {
      // `id|key|department` of each active step: the step actions name one (id and key from one entry).
      // A request waiting for a supplement has active steps nobody may act on until it is answered; one
      // with a special procedure running is kept for the cases that end it (not approved or denied away).
      const held = (this.pools.procedureSteps ?? []).some((entry) => entry.startsWith(`${id}|`));
      const active = (status === 'in_progress' && !held && Array.isArray(steps) ? steps : [])
        .map((step) => step as { key?: unknown; status?: unknown; departmentCode?: unknown })
        .filter((step) => step.status === 'active' && typeof step.key === 'string')
        .map((step) => `${id}|${String(step.key)}|${String(step.departmentCode)}`);
      this.pools.activeSteps = [
        ...(this.pools.activeSteps ?? []).filter((pair) => !pair.startsWith(`${id}|`)),
        ...active,
      ].sort();
    }
    const before = this.statusOf.get(id);
    if (before === status) return;
    if (before) this.pools[`requests:${before}`] = this.pools[`requests:${before}`].filter((x) => x !== id);
    // Pools in id order, not in the order concurrent reads happened to answer: the cases a seed draws
    // then name the same requests on every run.
    (this.pools[`requests:${status}`] ??= []).push(id);
    this.pools[`requests:${status}`].sort(byId);
    this.statusOf.set(id, status);
    if (!this.pools.requestIds.includes(id)) this.pools.requestIds.push(id);
    this.pools.requestIds.sort(byId);
  }

  /** What an answer tells of the rows the next cases may name: requests and their states, cursors. */
  remember(route: Route, res: RawResponse): void {
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
          const { steps, specialProcedures, outputs } = view as {
            steps?: unknown;
            specialProcedures?: unknown;
            outputs?: { licence?: { id: string; verificationCode: string } | null }[];
          };
          for (const output of Array.isArray(outputs) ? outputs : []) {
            if (output.licence && this.pools.licences.length < 30 && !this.pools.licences.includes(output.licence.id)) {
              this.pools.licences.push(output.licence.id);
              this.pools.verificationCodes.push(output.licence.verificationCode);
            }
          }
          this.seeRequest(view.id, String(view.status), steps, specialProcedures);
        }
      }
    }
    if (route.operationId === 'FilesController_upload' && typeof body.id === 'string' && this.pools.files.length < 20) {
      this.pools.files.push(body.id);
    }
    const cursors = (this.pools[`cursors:${route.operationId}`] ??= []);
    if (typeof body.nextCursor === 'string' && cursors.length < 50) cursors.push(body.nextCursor);
  }
}

const byId = (a: string, b: string) => Number(a) - Number(b);
