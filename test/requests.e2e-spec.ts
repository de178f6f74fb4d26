import { verifyAuditTrail } from '#audit';
import { USCC_ALPHABET, usccCheckCharacter } from '#companies';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp, eventually, login, unique } from './helpers.js';
import { TEST_ENV } from './test-env.js';

// ---- helpers ------------------------------------------------------------------------------------

interface StepView {
  key: string;
  departmentCode: string;
  status: string;
  decidedAt: string | null;
  output: { stepKey: string; kind: string; name: string; number: string; issuedAt: string } | null;
}

interface RequestView {
  id: string;
  number: string;
  itemCode: string;
  itemVersion: number;
  companyUscc: string;
  hallCode: string | null;
  status: string;
  onBehalfOf: string | null;
  outcomeReason: string | null;
  submittedAt: string;
  acceptedAt: string | null;
  completedAt: string | null;
  steps: StepView[];
  outputs: { stepKey: string; number: string; issuedAt: string }[];
}

interface TimelineEvent {
  action: string;
  statusFrom: string | null;
  statusTo: string | null;
  actor: { id: string; username: string | null; role: string } | null;
  onBehalfOf: string | null;
  payload: Record<string, unknown> | null;
}

const PASSWORD = 'good-pass-123';

/** `n` in the USCC alphabet, `width` characters, most significant first. */
function base31(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = USCC_ALPHABET[n % 31] + out;
    n = Math.floor(n / 31);
  }
  return out;
}

/** A valid USCC unique to this run: 9 (工商) 1 (企业), a region, this run's instant as the subject code, its check character. */
const RUN_SERIAL = base31(Date.now(), 9);
function usccOf(region: string): string {
  const first17 = `${region}${RUN_SERIAL}`;
  const check = usccCheckCharacter(first17);
  if (!check) throw new Error(`${first17} is not a USCC prefix`);
  return first17 + check;
}

/** A message may be one string or a list; this reads both as one text. */
const messageText = (body: { message: string | string[] }) =>
  (Array.isArray(body.message) ? body.message : [body.message]).join('\n');

const statusesOf = (view: RequestView) => Object.fromEntries(view.steps.map((s) => [s.key, s.status]));

/** Today in the zone (Asia/Shanghai, UTC+8) as YYYYMMDD. */
const zoneDay = (instant: number) => new Date(instant + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');

const PARALLEL = ['seal', 'tax', 'social', 'fund', 'bank'] as const;
const STEP_KEYS = ['licence', ...PARALLEL] as const;
type StepKey = (typeof STEP_KEYS)[number];

/** The checklist of 开办企业 as the matters below make it: five required codes and three optional ones. */
const REQUIRED = ['APPLICATION-FORM', 'ARTICLES', 'ID-LEGAL-REP', 'PREMISES', 'STAFF-LIST'];
const OPTIONAL = ['SHAREHOLDER-LIST', 'SEAL-DESIGN', 'BANK-ACCOUNT-INFO'];
const materialsOf = (codes: readonly string[]) =>
  codes.map((code) => ({ code, reference: `file:${code.toLowerCase()}.pdf` }));

describe('requests (办件)', () => {
  let app: INestApplication;
  let db: DataSource;
  const u = unique().toUpperCase();
  /** A code of this run: unique, at most 32 characters. */
  const c = (name: string) => `${name}-${u}`;
  const username = (role: string) => `${role}-${u}`.toLowerCase();

  const ITEM = c('OPEN-BIZ');
  const PINNED_ITEM = c('OPEN-BIZ-V');
  const DRAFT_ITEM = c('DRAFT-BIZ');
  const HALL = c('CENTRE');
  const OTHER_HALL = c('EAST');
  const DEPT = { SAMR: c('SAMR'), PSB: c('PSB'), TAX: c('TAX'), HRSS: c('HRSS'), HPF: c('HPF') };
  const EXTRA_DEPT = c('MEE');
  /** Which department approves each step; the bank account is opened through the licence desk (SAMR). */
  const STEP_DEPT: Record<StepKey, keyof typeof DEPT> = {
    licence: 'SAMR',
    seal: 'PSB',
    tax: 'TAX',
    social: 'HRSS',
    fund: 'HPF',
    bank: 'SAMR',
  };

  const companyA = usccOf('91320594');
  const companyB = usccOf('91320595');
  const unregistered = usccOf('91320596');

  const tokens: Record<string, string> = {};
  let outboxStart = 0;

  const http = () => request(app.getHttpServer());
  const post = (path: string, token: string, body: object = {}, key?: string) => {
    const req = http().post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);
    if (key !== undefined) req.set('Idempotency-Key', key);
    return req.send(body);
  };
  const get = (path: string, token: string) => http().get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`);

  const approverOf = (step: StepKey) => tokens[`approver${STEP_DEPT[step]}`];

  // ---- the domain through the API ----

  const submission = (overrides: object = {}) => ({
    itemCode: ITEM,
    form: { companyName: '示范科技有限公司', registeredCapital: 1_000_000 },
    materials: materialsOf([...REQUIRED, 'BANK-ACCOUNT-INFO']),
    ...overrides,
  });

  async function submit(token = tokens.applicantA, overrides: object = {}): Promise<RequestView> {
    const res = await post('/requests', token, submission(overrides));
    expect(res.status).toBe(201);
    return res.body as RequestView;
  }

  async function accept(id: string, token = tokens.clerk): Promise<RequestView> {
    const res = await post(`/requests/${id}/accept`, token);
    expect(res.status).toBe(200);
    return res.body as RequestView;
  }

  async function approve(id: string, step: StepKey, body: object = {}): Promise<RequestView> {
    const res = await post(`/requests/${id}/steps/${step}/approve`, approverOf(step), body);
    expect(res.status).toBe(200);
    return res.body as RequestView;
  }

  /** Submitted, accepted, licence approved: the five parallel steps are active. */
  async function inParallel(token = tokens.applicantA): Promise<RequestView> {
    const submitted = await submit(token);
    await accept(submitted.id);
    return approve(submitted.id, 'licence');
  }

  async function view(id: string): Promise<RequestView> {
    const res = await get(`/requests/${id}`, tokens.admin).expect(200);
    return res.body as RequestView;
  }

  async function timeline(id: string, token = tokens.admin): Promise<TimelineEvent[]> {
    const res = await get(`/requests/${id}/timeline?limit=100`, token).expect(200);
    return res.body.items as TimelineEvent[];
  }

  async function countRequests(uscc: string): Promise<number> {
    const rows = (await db.query('SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc = ?', [uscc])) as {
      n: number | string;
    }[];
    return Number(rows[0].n);
  }

  async function auditActions(id: string): Promise<string[]> {
    const rows = (await db.query(
      "SELECT action FROM audit_events WHERE subject_type = 'request' AND subject_id = ? ORDER BY id",
      [id],
    )) as { action: string }[];
    return rows.map((r) => r.action);
  }

  async function outboxEvents(id: string): Promise<{ type: string; payload: Record<string, unknown> }[]> {
    const rows = (await db.query(
      "SELECT type, payload FROM outbox_events WHERE id > ? AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.requestId')) = ? ORDER BY id",
      [outboxStart, id],
    )) as { type: string; payload: string | Record<string, unknown> }[];
    // mysql2 returns JSON columns parsed on MySQL and as text on MariaDB.
    return rows.map((r) => ({
      type: r.type,
      payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
    }));
  }

  const count = (list: readonly string[], value: string) => list.filter((v) => v === value).length;

  // ---- the catalogue and the people, all through the API ----

  const days = (value: number) => ({ value, unit: 'workingDays' });
  const material = (code: string, name: string, required = true, key = true) => ({ code, name, required, key });
  const matter = (code: string, name: string, department: string, materials: object[], output: object) => ({
    code: c(code),
    name,
    departmentCode: department,
    promisedLimit: days(1),
    legalLimit: days(15),
    materials,
    output,
  });
  const steps = (keys: readonly StepKey[]) =>
    keys.map((key) => ({
      key,
      matterCode: c(key.toUpperCase()),
      dependsOn: key === 'licence' ? [] : ['licence'],
    }));
  const item = (code: string, keys: readonly StepKey[] = STEP_KEYS, name = '开办企业') => ({
    code,
    name,
    category: 'enterprise',
    promisedLimit: days(3),
    steps: steps(keys),
    formSchema: { type: 'object', required: ['companyName'], properties: { companyName: { type: 'string' } } },
  });

  async function publishItem(code: string, keys: readonly StepKey[] = STEP_KEYS, name?: string): Promise<number> {
    const draft = await post('/items', tokens.admin, item(code, keys, name)).expect(201);
    await post(`/items/${code}/versions/${draft.body.version}/publish`, tokens.admin).expect(200);
    return draft.body.version as number;
  }

  async function createUser(key: string, role: string, binding: object): Promise<void> {
    const name = username(key);
    await post('/users', tokens.admin, { username: name, password: PASSWORD, role, ...binding }).expect(201);
    tokens[key] = await login(app, name, PASSWORD);
  }

  beforeAll(async () => {
    app = await createApp();
    db = app.get(getDataSourceToken());
    const [{ last }] = (await db.query('SELECT COALESCE(MAX(id), 0) AS last FROM outbox_events')) as {
      last: number | string;
    }[];
    outboxStart = Number(last);
    tokens.admin = await login(app, 'admin', TEST_ENV.ADMIN_PASSWORD);

    const departments: [string, string][] = [
      [DEPT.SAMR, '市场监督管理局'],
      [DEPT.PSB, '公安局'],
      [DEPT.TAX, '税务局'],
      [DEPT.HRSS, '人力资源和社会保障局'],
      [DEPT.HPF, '住房公积金管理中心'],
      [EXTRA_DEPT, '生态环境局'],
    ];
    for (const [code, name] of departments) await post('/departments', tokens.admin, { code, name }).expect(201);
    await post('/halls', tokens.admin, { code: HALL, name: '政务服务中心', level: 'centre' }).expect(201);
    await post('/halls', tokens.admin, {
      code: OTHER_HALL,
      name: '东区分中心',
      level: 'branch',
      parentCode: HALL,
    }).expect(201);

    // Shared codes across matters (ID-LEGAL-REP, STAFF-LIST, BANK-ACCOUNT-INFO) make one checklist line each.
    const matters = [
      matter(
        'LICENCE',
        '企业设立登记',
        DEPT.SAMR,
        [
          material('APPLICATION-FORM', '公司登记（备案）申请书'),
          material('ARTICLES', '公司章程'),
          material('ID-LEGAL-REP', '法定代表人身份证明'),
          material('PREMISES', '住所使用证明', true, false),
          material('SHAREHOLDER-LIST', '股东名录', false, false),
        ],
        { kind: 'licence', name: '营业执照' },
      ),
      matter(
        'SEAL',
        '公章刻制备案',
        DEPT.PSB,
        [material('ID-LEGAL-REP', '法定代表人身份证明'), material('SEAL-DESIGN', '印章式样', false, false)],
        { kind: 'filing', name: '印章备案回执' },
      ),
      matter(
        'TAX',
        '新办纳税人涉税事项',
        DEPT.TAX,
        [material('ID-LEGAL-REP', '法定代表人身份证明'), material('BANK-ACCOUNT-INFO', '银行账户信息', false, false)],
        { kind: 'certificate', name: '税务登记信息确认' },
      ),
      matter(
        'SOCIAL',
        '单位社会保险登记',
        DEPT.HRSS,
        [material('STAFF-LIST', '参保职工名册'), material('BANK-ACCOUNT-INFO', '银行账户信息', false, false)],
        { kind: 'certificate', name: '社会保险登记证明' },
      ),
      matter(
        'FUND',
        '住房公积金单位登记',
        DEPT.HPF,
        [material('STAFF-LIST', '参保职工名册'), material('BANK-ACCOUNT-INFO', '银行账户信息', false, false)],
        { kind: 'certificate', name: '住房公积金单位登记回执' },
      ),
      matter(
        'BANK',
        '银行开户',
        DEPT.SAMR,
        [material('ID-LEGAL-REP', '法定代表人身份证明'), material('BANK-ACCOUNT-INFO', '银行账户信息', false, false)],
        { kind: 'account', name: '开户许可' },
      ),
    ];
    for (const m of matters) await post('/matters', tokens.admin, m).expect(201);
    await publishItem(ITEM);
    await publishItem(PINNED_ITEM);
    await post('/items', tokens.admin, item(DRAFT_ITEM)).expect(201);

    const checklist = (await http().get(`/api/v1/items/${ITEM}`).expect(200)).body.checklist as {
      code: string;
      required: boolean;
    }[];
    expect(checklist.filter((e) => e.required).map((e) => e.code)).toEqual(REQUIRED);
    expect(checklist.filter((e) => !e.required).map((e) => e.code)).toEqual(OPTIONAL);

    await post('/companies', tokens.admin, { uscc: companyA, name: '甲公司' }).expect(201);
    await post('/companies', tokens.admin, { uscc: companyB, name: '乙公司' }).expect(201);

    await createUser('applicantA', 'applicant', { companyUscc: companyA });
    await createUser('applicantB', 'applicant', { companyUscc: companyB });
    await createUser('clerk', 'clerk', { hallCode: HALL });
    await createUser('otherClerk', 'clerk', { hallCode: OTHER_HALL });
    for (const [name, code] of Object.entries(DEPT)) {
      await createUser(`approver${name}`, 'approver', { departmentCode: code });
    }
    await createUser('approverExtra', 'approver', { departmentCode: EXTRA_DEPT });
    await createUser('manager', 'manager', {});
  });

  afterAll(async () => {
    await app?.close();
  });

  // ---- 1 -----------------------------------------------------------------------------------------

  describe('the whole 开办企业 flow', () => {
    it('submits once, is accepted once, approved in parallel and issues every output together', async () => {
      const before = Date.now();
      const submitted = await submit();
      expect(submitted).toMatchObject({
        id: expect.stringMatching(/^\d+$/),
        itemCode: ITEM,
        itemVersion: 1,
        companyUscc: companyA,
        hallCode: null,
        status: 'submitted',
        onBehalfOf: null,
        sla: expect.objectContaining({ state: 'running', pausedMinutes: 0 }),
        acceptedAt: null,
        completedAt: null,
        deferredMaterials: [],
        outputs: [],
      });
      expect(submitted.number).toMatch(/^GX\d{8}\d{6}$/);
      expect(submitted.submittedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      // The number's day is the zone's day of the submission (not UTC's).
      expect(submitted.number.slice(2, 10)).toBe(submitted.submittedAt.slice(0, 10).replaceAll('-', ''));
      expect([zoneDay(before), zoneDay(Date.now())]).toContain(submitted.number.slice(2, 10));
      expect(submitted.steps.map((s) => s.key)).toEqual([...STEP_KEYS]);
      expect(submitted.steps.every((s) => s.status === 'waiting')).toBe(true);
      const id = submitted.id;
      expect(await view(id)).toEqual(submitted);

      const accepted = await accept(id);
      expect(accepted).toMatchObject({ status: 'in_progress', hallCode: HALL, acceptedAt: expect.any(String) });
      expect(statusesOf(accepted)).toEqual({
        licence: 'active',
        seal: 'waiting',
        tax: 'waiting',
        social: 'waiting',
        fund: 'waiting',
        bank: 'waiting',
      });

      const tasks = await get('/tasks?limit=100', tokens.approverSAMR).expect(200);
      expect(tasks.body.items).toContainEqual(
        expect.objectContaining({
          requestId: id,
          requestNumber: submitted.number,
          stepKey: 'licence',
          departmentCode: DEPT.SAMR,
          status: 'active',
          requestStatus: 'in_progress',
        }),
      );
      const psbTasks = await get('/tasks?limit=100', tokens.approverPSB).expect(200);
      expect(psbTasks.body.items).not.toContainEqual(expect.objectContaining({ requestId: id }));

      const licensed = await approve(id, 'licence', { outputNumber: `91320594LIC${u}`.slice(0, 64) });
      expect(licensed.status).toBe('in_progress');
      expect(statusesOf(licensed)).toEqual({
        licence: 'approved',
        seal: 'active',
        tax: 'active',
        social: 'active',
        fund: 'active',
        bank: 'active',
      });
      expect(licensed.outputs).toEqual([]);

      for (const step of ['seal', 'tax', 'social', 'fund'] as const) {
        const after = await approve(id, step);
        expect(after.status).toBe('in_progress');
        expect(after.outputs).toEqual([]);
        expect(after.completedAt).toBeNull();
      }

      const completed = await approve(id, 'bank');
      expect(completed.status).toBe('completed');
      expect(completed.completedAt).toEqual(expect.any(String));
      expect(completed.outputs).toHaveLength(6);
      expect(new Set(completed.outputs.map((o) => o.issuedAt))).toEqual(new Set([completed.completedAt]));
      expect(completed.outputs.map((o) => o.stepKey)).toEqual([...STEP_KEYS]);
      expect(completed.outputs[0].number).toBe(`91320594LIC${u}`.slice(0, 64));
      expect(completed.outputs[1].number).toBe(`${submitted.number}-seal`);
      for (const step of completed.steps) {
        expect(step.status).toBe('approved');
        expect(step.output).toEqual(expect.objectContaining({ stepKey: step.key, issuedAt: completed.completedAt }));
      }
      expect(await view(id)).toEqual(completed);

      const events = await timeline(id, tokens.applicantA);
      const actions = events.map((e) => e.action);
      expect(actions[0]).toBe('request.submitted');
      expect(actions[1]).toBe('request.accepted');
      expect(actions[actions.length - 1]).toBe('request.completed');
      expect(count(actions, 'step.activated')).toBe(6);
      expect(count(actions, 'step.approved')).toBe(6);
      expect(events[0]).toMatchObject({
        statusFrom: null,
        statusTo: 'submitted',
        actor: { username: username('applicantA'), role: 'applicant' },
        onBehalfOf: null,
      });
      expect(events[1]).toMatchObject({
        statusFrom: 'submitted',
        statusTo: 'in_progress',
        actor: { username: username('clerk'), role: 'clerk' },
      });
      expect(events.find((e) => e.action === 'step.approved')).toMatchObject({
        statusFrom: 'active',
        statusTo: 'approved',
        actor: { username: username('approverSAMR'), role: 'approver' },
        payload: expect.objectContaining({ stepKey: 'licence' }),
      });
      expect(events[events.length - 1]).toMatchObject({
        statusFrom: 'in_progress',
        statusTo: 'completed',
        actor: { username: username('approverSAMR'), role: 'approver' },
      });
      // Activation follows approval: the five parallel steps are activated after licence is approved.
      const licenceApproved = actions.indexOf('step.approved');
      expect(actions.slice(licenceApproved + 1, licenceApproved + 6)).toEqual(Array(5).fill('step.activated'));

      const outbox = await eventually(async () => {
        const rows = await outboxEvents(id);
        const types = new Set(rows.map((r) => r.type));
        const wanted = ['request.submitted', 'request.accepted', 'step.activated', 'request.completed'];
        return wanted.every((t) => types.has(t)) ? rows : undefined;
      }, 'the outbox rows of the request');
      for (const row of outbox) expect(row.payload.requestId).toBe(id);
      expect(
        count(
          outbox.map((r) => r.type),
          'request.completed',
        ),
      ).toBe(1);
      expect(
        count(
          outbox.map((r) => r.type),
          'step.activated',
        ),
      ).toBe(6);
    });
  });

  // ---- 2 -----------------------------------------------------------------------------------------

  describe('materials at submission (一次告知)', () => {
    it('refuses missing required materials with 400 listing their codes, and creates nothing', async () => {
      const before = await countRequests(companyA);
      const res = await post(
        '/requests',
        tokens.applicantA,
        submission({ materials: materialsOf(['APPLICATION-FORM', 'ARTICLES', 'ID-LEGAL-REP']) }),
      ).expect(400);
      expect(messageText(res.body)).toContain('missing required materials: PREMISES, STAFF-LIST');
      expect(await countRequests(companyA)).toBe(before);
    });

    it('refuses a material not on the checklist with 400 naming it, and creates nothing', async () => {
      const before = await countRequests(companyA);
      const res = await post(
        '/requests',
        tokens.applicantA,
        submission({ materials: materialsOf([...REQUIRED, 'NO-SUCH-MATERIAL']) }),
      ).expect(400);
      expect(messageText(res.body)).toContain(`materials not on the checklist of ${ITEM}: NO-SUCH-MATERIAL`);
      expect(await countRequests(companyA)).toBe(before);
    });

    it('refuses a material listed twice with 400 naming it', async () => {
      const before = await countRequests(companyA);
      const res = await post(
        '/requests',
        tokens.applicantA,
        submission({ materials: materialsOf([...REQUIRED, 'ARTICLES']) }),
      ).expect(400);
      expect(messageText(res.body)).toContain('ARTICLES more than once');
      expect(await countRequests(companyA)).toBe(before);
    });

    it('accepts the required materials alone: optional ones may be left out', async () => {
      const res = await post('/requests', tokens.applicantA, submission({ materials: materialsOf(REQUIRED) }));
      expect(res.status).toBe(201);
      expect(res.body.materials.map((m: { code: string }) => m.code)).toEqual(REQUIRED);
    });
  });

  // ---- 3 -----------------------------------------------------------------------------------------

  describe('deny', () => {
    it('a step waiting for its dependencies cannot be decided: 409 naming waiting', async () => {
      const { id } = await submit();
      await accept(id);
      const early = await post(`/requests/${id}/steps/seal/approve`, tokens.approverPSB, {}).expect(409);
      expect(early.body.state).toBe('waiting');
      await post(`/requests/${id}/steps/seal/deny`, tokens.approverPSB, { reason: 'x' }).expect(409);
      expect(statusesOf(await view(id)).seal).toBe('waiting');
      const notAccepted = await submit();
      const unaccepted = await post(
        `/requests/${notAccepted.id}/steps/licence/approve`,
        tokens.approverSAMR,
        {},
      ).expect(409);
      expect(unaccepted.body.state).toBe('submitted');
    });

    it('a denied step ends the request as denied, cancels the other active steps, and no step can be decided after', async () => {
      const { id } = await inParallel();
      const res = await post(`/requests/${id}/steps/tax/deny`, tokens.approverTAX, {
        reason: '纳税人识别信息与登记信息不一致',
      }).expect(200);
      expect(res.body).toMatchObject({
        status: 'denied',
        outcomeReason: '纳税人识别信息与登记信息不一致',
        completedAt: null,
        endedAt: expect.any(String),
        outputs: [],
      });
      expect(statusesOf(res.body)).toEqual({
        licence: 'approved',
        seal: 'cancelled',
        tax: 'denied',
        social: 'cancelled',
        fund: 'cancelled',
        bank: 'cancelled',
      });
      expect(await view(id)).toEqual(res.body);

      const late = await post(`/requests/${id}/steps/seal/approve`, tokens.approverPSB, {}).expect(409);
      expect(late.body.state).toBe('denied');
      expect(late.body.message).toContain('denied');
      expect(await view(id)).toEqual(res.body);
      const actions = await auditActions(id);
      expect(count(actions, 'request.denied')).toBe(1);
      expect(count(actions, 'step.cancelled')).toBe(4);
    });
  });

  // ---- 4 -----------------------------------------------------------------------------------------

  describe('supplements (补正)', () => {
    it('at intake: the clerk asks, a partial answer is refused naming what is missing, a full one returns it to intake', async () => {
      const { id } = await submit();
      const asked = await post(`/requests/${id}/supplement-requests`, tokens.clerk, {
        materials: ['PREMISES', 'ARTICLES'],
        note: '住所使用证明需加盖产权单位公章',
      }).expect(200);
      expect(asked.body).toMatchObject({
        status: 'supplement_required',
        hallCode: HALL,
        supplement: { stage: 'intake', stepKey: null, materials: ['PREMISES', 'ARTICLES'] },
      });
      await post(`/requests/${id}/accept`, tokens.clerk).expect(409);

      const partial = await post(`/requests/${id}/supplements`, tokens.applicantA, {
        materials: [{ code: 'PREMISES', reference: 'file:premises-v2.pdf' }],
      }).expect(400);
      expect(messageText(partial.body)).toContain('missing the materials asked for: ARTICLES');
      expect((await view(id)).status).toBe('supplement_required');

      const supplied = await post(`/requests/${id}/supplements`, tokens.applicantA, {
        materials: [
          { code: 'PREMISES', reference: 'file:premises-v2.pdf' },
          { code: 'ARTICLES', reference: 'file:articles-v2.pdf' },
        ],
      }).expect(200);
      expect(supplied.body).toMatchObject({ status: 'submitted', supplement: null });
      expect(supplied.body.materials).toEqual(
        expect.arrayContaining([
          { code: 'PREMISES', reference: 'file:premises-v2.pdf' },
          { code: 'ARTICLES', reference: 'file:articles-v2.pdf' },
        ]),
      );
      expect(supplied.body.materials).toHaveLength(REQUIRED.length + 1);

      const accepted = await accept(id);
      expect(accepted.status).toBe('in_progress');
      expect(statusesOf(accepted).licence).toBe('active');
      const actions = await auditActions(id);
      expect(actions.slice(0, 4)).toEqual([
        'request.submitted',
        'request.supplement-requested',
        'request.supplied',
        'request.accepted',
      ]);
    });

    it('for a step: the request waits, no step can be approved meanwhile, and the answer resumes processing', async () => {
      const { id } = await inParallel();
      const wrong = await post(`/requests/${id}/steps/tax/supplement-requests`, tokens.approverTAX, {
        materials: ['STAFF-LIST'],
        note: 'not a material of the tax matter',
      }).expect(400);
      expect(messageText(wrong.body)).toContain('STAFF-LIST');

      const asked = await post(`/requests/${id}/steps/tax/supplement-requests`, tokens.approverTAX, {
        materials: ['BANK-ACCOUNT-INFO'],
        note: '请补充基本存款账户信息',
      }).expect(200);
      expect(asked.body).toMatchObject({
        status: 'supplement_required',
        supplement: { stage: 'processing', stepKey: 'tax', materials: ['BANK-ACCOUNT-INFO'] },
      });
      expect(statusesOf(asked.body).tax).toBe('active');

      for (const step of ['seal', 'tax'] as const) {
        const meanwhile = await post(`/requests/${id}/steps/${step}/approve`, approverOf(step), {}).expect(409);
        expect(meanwhile.body.state).toBe('supplement_required');
      }
      await post(`/requests/${id}/steps/social/deny`, tokens.approverHRSS, { reason: 'x' }).expect(409);
      expect(statusesOf(await view(id))).toEqual(statusesOf(asked.body));

      const supplied = await post(`/requests/${id}/supplements`, tokens.applicantA, {
        materials: [{ code: 'BANK-ACCOUNT-INFO', reference: 'file:bank-v2.pdf' }],
      }).expect(200);
      expect(supplied.body).toMatchObject({ status: 'in_progress', supplement: null });
      const after = await approve(id, 'tax');
      expect(statusesOf(after).tax).toBe('approved');
    });

    it('answers a supplement nobody asked for with 409', async () => {
      const { id } = await submit();
      const res = await post(`/requests/${id}/supplements`, tokens.applicantA, {
        materials: materialsOf(['PREMISES']),
      }).expect(409);
      expect(res.body.state).toBe('submitted');
    });
  });

  // ---- 5 -----------------------------------------------------------------------------------------

  describe('withdraw and refuse', () => {
    it('the applicant withdraws: steps are cancelled, and withdrawing again is a 409 naming withdrawn', async () => {
      const { id } = await inParallel();
      const res = await post(`/requests/${id}/withdraw`, tokens.applicantA).expect(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', endedAt: expect.any(String), outputs: [] });
      expect(statusesOf(res.body)).toEqual({
        licence: 'approved',
        seal: 'cancelled',
        tax: 'cancelled',
        social: 'cancelled',
        fund: 'cancelled',
        bank: 'cancelled',
      });
      const again = await post(`/requests/${id}/withdraw`, tokens.applicantA).expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, state: 'withdrawn' });
      expect(again.body.message).toContain('withdrawn');
      expect(await view(id)).toEqual(res.body);
    });

    it('the clerk refuses at intake with a reason: refused, every step cancelled', async () => {
      const { id } = await submit();
      const res = await post(`/requests/${id}/refuse`, tokens.clerk, { reason: '申请事项不属于本中心受理范围' }).expect(
        200,
      );
      expect(res.body).toMatchObject({
        status: 'refused',
        outcomeReason: '申请事项不属于本中心受理范围',
        hallCode: HALL,
        acceptedAt: null,
      });
      expect(res.body.steps.every((s: StepView) => s.status === 'cancelled')).toBe(true);
      const late = await post(`/requests/${id}/accept`, tokens.clerk).expect(409);
      expect(late.body.state).toBe('refused');
    });
  });

  // ---- 6 -----------------------------------------------------------------------------------------

  describe('代办 (a clerk submits on behalf of a company)', () => {
    it('records the company, the hall and the clerk, and normalises the code as typed', async () => {
      const typed = `${companyA.slice(0, 6)} ${companyA.slice(6, 12).toLowerCase()} ${companyA.slice(12)}`;
      const res = await post('/requests', tokens.clerk, submission({ onBehalfOf: typed })).expect(201);
      expect(res.body).toMatchObject({
        companyUscc: companyA,
        onBehalfOf: companyA,
        hallCode: HALL,
        status: 'submitted',
      });
      const [first] = await timeline(res.body.id, tokens.applicantA);
      expect(first).toMatchObject({
        action: 'request.submitted',
        onBehalfOf: companyA,
        actor: { username: username('clerk'), role: 'clerk' },
      });
      // The company sees what was submitted for it.
      await get(`/requests/${res.body.id}`, tokens.applicantA).expect(200);
      await get(`/requests/${res.body.id}`, tokens.applicantB).expect(404);
    });

    it('refuses onBehalfOf from an applicant (403), a clerk without it (400) and an unknown company (404)', async () => {
      const beforeA = await countRequests(companyA);
      const beforeB = await countRequests(companyB);
      await post('/requests', tokens.applicantB, submission({ onBehalfOf: companyA })).expect(403);
      const missing = await post('/requests', tokens.clerk, submission()).expect(400);
      expect(messageText(missing.body)).toContain('onBehalfOf is required');
      const unknown = await post('/requests', tokens.clerk, submission({ onBehalfOf: unregistered })).expect(404);
      expect(messageText(unknown.body)).toContain(unregistered);
      const invalid = `${companyA.slice(0, 17)}${companyA[17] === '0' ? '1' : '0'}`;
      await post('/requests', tokens.clerk, submission({ onBehalfOf: invalid })).expect(400);
      expect(await countRequests(companyA)).toBe(beforeA);
      expect(await countRequests(companyB)).toBe(beforeB);
      expect(await countRequests(unregistered)).toBe(0);
    });
  });

  // ---- 7 -----------------------------------------------------------------------------------------

  describe('version pinning', () => {
    it('a request keeps the version it started on; new requests take the latest published one', async () => {
      const old = await submit(tokens.applicantA, { itemCode: PINNED_ITEM });
      expect(old.itemVersion).toBe(1);

      // v2: only the licence and the seal.
      const draft = await post(
        '/items',
        tokens.admin,
        item(PINNED_ITEM, ['licence', 'seal'], '开办企业（简易版）'),
      ).expect(201);
      expect(draft.body.version).toBe(2);
      // A draft changes nothing for applicants.
      expect((await submit(tokens.applicantA, { itemCode: PINNED_ITEM })).itemVersion).toBe(1);
      await post(`/items/${PINNED_ITEM}/versions/2/publish`, tokens.admin).expect(200);

      const oldNow = await view(old.id);
      expect(oldNow.itemVersion).toBe(1);
      expect(oldNow.steps.map((s) => s.key)).toEqual([...STEP_KEYS]);
      await accept(old.id);
      await approve(old.id, 'licence');
      let last: RequestView | undefined;
      for (const step of PARALLEL) last = await approve(old.id, step);
      expect(last).toMatchObject({ status: 'completed', itemVersion: 1 });
      expect(last!.outputs).toHaveLength(6);

      // v2's checklist: STAFF-LIST belonged to matters v2 no longer has.
      const stale = await post(
        '/requests',
        tokens.applicantA,
        submission({ itemCode: PINNED_ITEM, materials: materialsOf(REQUIRED) }),
      ).expect(400);
      expect(messageText(stale.body)).toContain('STAFF-LIST');
      const fresh = await submit(tokens.applicantA, {
        itemCode: PINNED_ITEM,
        materials: materialsOf(['APPLICATION-FORM', 'ARTICLES', 'ID-LEGAL-REP', 'PREMISES']),
      });
      expect(fresh.itemVersion).toBe(2);
      expect(fresh.steps.map((s) => s.key)).toEqual(['licence', 'seal']);
      await accept(fresh.id);
      await approve(fresh.id, 'licence');
      const done = await approve(fresh.id, 'seal');
      expect(done).toMatchObject({ status: 'completed', itemVersion: 2 });
      expect(done.outputs).toHaveLength(2);
    });
  });

  // ---- 8 -----------------------------------------------------------------------------------------

  describe('scoping: not yours is 404, never 403', () => {
    it("another company's applicant can neither read, withdraw nor trace a request", async () => {
      const { id } = await submit();
      const read = await get(`/requests/${id}`, tokens.applicantB).expect(404);
      expect(read.body).toEqual({ statusCode: 404, error: 'Not Found', message: `request ${id} not found` });
      await get(`/requests/${id}/timeline`, tokens.applicantB).expect(404);
      await post(`/requests/${id}/withdraw`, tokens.applicantB).expect(404);
      await post(`/requests/${id}/supplements`, tokens.applicantB, { materials: materialsOf(['PREMISES']) }).expect(
        404,
      );
      expect((await view(id)).status).toBe('submitted');
    });

    it("a clerk sees online submissions and their own hall's requests, not another hall's", async () => {
      const online = await submit();
      await get(`/requests/${online.id}`, tokens.clerk).expect(200);
      await get(`/requests/${online.id}`, tokens.otherClerk).expect(200);
      const listed = await get(`/requests?itemCode=${ITEM}&limit=100`, tokens.otherClerk).expect(200);
      expect(listed.body.items.map((r: RequestView) => r.id)).toContain(online.id);

      await accept(online.id);
      const hidden = await get(`/requests/${online.id}`, tokens.otherClerk).expect(404);
      expect(hidden.body.message).toBe(`request ${online.id} not found`);
      await get(`/requests/${online.id}/timeline`, tokens.otherClerk).expect(404);
      await post(`/requests/${online.id}/refuse`, tokens.otherClerk, { reason: 'x' }).expect(404);
      const otherList = await get(`/requests?itemCode=${ITEM}&limit=100`, tokens.otherClerk).expect(200);
      expect(otherList.body.items.map((r: RequestView) => r.id)).not.toContain(online.id);
      for (const r of otherList.body.items as RequestView[]) expect([null, OTHER_HALL]).toContain(r.hallCode);
      await get(`/requests/${online.id}`, tokens.clerk).expect(200);
    });

    it('an approver sees only requests with a step of their department, and decides only their own steps', async () => {
      const { id } = await inParallel();
      await get(`/requests/${id}`, tokens.approverExtra).expect(404);
      await get(`/requests/${id}/timeline`, tokens.approverExtra).expect(404);
      const list = await get('/requests?limit=100', tokens.approverExtra).expect(200);
      expect(list.body.items.map((r: RequestView) => r.id)).not.toContain(id);
      await post(`/requests/${id}/steps/tax/approve`, tokens.approverExtra, {}).expect(404);

      await get(`/requests/${id}`, tokens.approverPSB).expect(200);
      const notTheirs = await post(`/requests/${id}/steps/tax/approve`, tokens.approverPSB, {}).expect(404);
      expect(notTheirs.body.message).toBe(`step tax of request ${id} not found`);
      await post(`/requests/${id}/steps/tax/deny`, tokens.approverPSB, { reason: 'x' }).expect(404);
      await post(`/requests/${id}/steps/no-such-step/approve`, tokens.approverPSB, {}).expect(404);
      expect(statusesOf(await view(id)).tax).toBe('active');
    });

    it("lists an applicant's company's requests only, with status and itemCode filters; a manager sees all", async () => {
      const mineOpen = await submit(tokens.applicantA);
      const mineWithdrawn = await submit(tokens.applicantA);
      await post(`/requests/${mineWithdrawn.id}/withdraw`, tokens.applicantA).expect(200);
      const theirs = await submit(tokens.applicantB);

      const all = await get('/requests?limit=100', tokens.applicantA).expect(200);
      const ids = all.body.items.map((r: RequestView) => r.id);
      expect(ids).toEqual(expect.arrayContaining([mineOpen.id, mineWithdrawn.id]));
      expect(ids).not.toContain(theirs.id);
      for (const r of all.body.items as RequestView[]) expect(r.companyUscc).toBe(companyA);
      // Newest first.
      expect(ids.indexOf(mineWithdrawn.id)).toBeLessThan(ids.indexOf(mineOpen.id));

      const withdrawn = await get(`/requests?status=withdrawn&itemCode=${ITEM}&limit=100`, tokens.applicantA).expect(
        200,
      );
      expect(withdrawn.body.items.map((r: RequestView) => r.id)).toContain(mineWithdrawn.id);
      expect(withdrawn.body.items.map((r: RequestView) => r.id)).not.toContain(mineOpen.id);
      for (const r of withdrawn.body.items as RequestView[]) {
        expect(r).toMatchObject({ status: 'withdrawn', itemCode: ITEM, companyUscc: companyA });
      }
      const otherItem = await get(`/requests?itemCode=${DRAFT_ITEM}`, tokens.applicantA).expect(200);
      expect(otherItem.body).toEqual({ items: [], nextCursor: null });

      const bList = await get('/requests?limit=100', tokens.applicantB).expect(200);
      for (const r of bList.body.items as RequestView[]) expect(r.companyUscc).toBe(companyB);
      expect(bList.body.items.map((r: RequestView) => r.id)).toContain(theirs.id);

      const managed = await get(`/requests?itemCode=${ITEM}&limit=100`, tokens.manager).expect(200);
      expect(managed.body.items.map((r: RequestView) => r.id)).toEqual(
        expect.arrayContaining([mineOpen.id, mineWithdrawn.id, theirs.id]),
      );
      await get(`/requests/${theirs.id}`, tokens.manager).expect(200);
    });

    it('pages the list with limit and cursor, without repeats', async () => {
      const first = await get(`/requests?itemCode=${ITEM}&limit=2`, tokens.applicantA).expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await get(
        `/requests?itemCode=${ITEM}&limit=2&cursor=${first.body.nextCursor}`,
        tokens.applicantA,
      ).expect(200);
      const firstIds = first.body.items.map((r: RequestView) => Number(r.id));
      const secondIds = second.body.items.map((r: RequestView) => Number(r.id));
      expect(Math.min(...firstIds)).toBeGreaterThan(Math.max(...secondIds));
    });

    it('answers an unknown status filter and a non-numeric id with 400, an id that is nobody’s with 404', async () => {
      const status = await get('/requests?status=lost', tokens.applicantA).expect(400);
      expect(messageText(status.body)).toContain('status must be one of');
      await get('/requests/abc', tokens.applicantA).expect(400);
      await get('/requests/0', tokens.applicantA).expect(400);
      await get('/requests/1e5', tokens.admin).expect(400);
      await get('/requests/99999999999999999999', tokens.admin).expect(400);
      const huge = await get('/requests/9999999999999999999', tokens.admin).expect(404);
      expect(huge.body.message).toBe('request 9999999999999999999 not found');
      await post('/requests/9999999999999999999/accept', tokens.clerk).expect(404);
      await get('/requests/9999999999999999999/timeline', tokens.applicantA).expect(404);
    });
  });

  // ---- 9 -----------------------------------------------------------------------------------------

  describe('races', () => {
    it('of two concurrent approvals of one step exactly one succeeds; the other is a 409 naming the state', async () => {
      const { id } = await submit();
      await accept(id);
      const results = await Promise.all([
        post(`/requests/${id}/steps/licence/approve`, tokens.approverSAMR, { outputNumber: 'LIC-A' }),
        post(`/requests/${id}/steps/licence/approve`, tokens.approverSAMR, { outputNumber: 'LIC-B' }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const loser = results.find((r) => r.status === 409)!;
      expect(loser.body.state).toBe('approved');
      const after = await view(id);
      expect(statusesOf(after)).toMatchObject({ licence: 'approved', seal: 'active' });
      const actions = await auditActions(id);
      expect(count(actions, 'step.approved')).toBe(1);
      expect(count(actions, 'step.activated')).toBe(6);
    });

    it('five parallel approvals fired at once all succeed and complete each request exactly once', async () => {
      const requests = await Promise.all(Array.from({ length: 5 }, () => inParallel()));
      const results = await Promise.all(
        requests.flatMap(({ id }) =>
          PARALLEL.map((step) => post(`/requests/${id}/steps/${step}/approve`, approverOf(step), {})),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(25).fill(200));
      for (const { id } of requests) {
        const done = await view(id);
        expect(done.status).toBe('completed');
        expect(done.outputs).toHaveLength(6);
        expect(new Set(done.outputs.map((o) => o.issuedAt))).toEqual(new Set([done.completedAt]));
        const actions = await auditActions(id);
        expect(count(actions, 'request.completed')).toBe(1);
        expect(count(actions, 'step.approved')).toBe(6);
        const outbox = (await outboxEvents(id)).map((r) => r.type);
        expect(count(outbox, 'request.completed')).toBe(1);
      }
      // Exactly one of each request's five concurrent answers says completed.
      for (const { id } of requests) {
        const completedAnswers = results.filter((r) => r.body.id === id && r.body.status === 'completed');
        expect(completedAnswers).toHaveLength(1);
      }
    });

    it('two accepts at once: one 200 and one 409; clerks of two halls: the loser no longer sees it (404)', async () => {
      const same = await submit();
      const twice = await Promise.all([
        post(`/requests/${same.id}/accept`, tokens.clerk),
        post(`/requests/${same.id}/accept`, tokens.clerk),
      ]);
      expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(twice.find((r) => r.status === 409)!.body.state).toBe('in_progress');
      expect(count(await auditActions(same.id), 'request.accepted')).toBe(1);
      expect(count(await auditActions(same.id), 'step.activated')).toBe(1);

      const contested = await submit();
      const halls = await Promise.all([
        post(`/requests/${contested.id}/accept`, tokens.clerk),
        post(`/requests/${contested.id}/accept`, tokens.otherClerk),
      ]);
      // Whoever accepts first takes it for their hall; to the other hall it is no longer theirs.
      expect(halls.map((r) => r.status).sort()).toEqual([200, 404]);
      const winner = halls[0].status === 200 ? HALL : OTHER_HALL;
      expect((await view(contested.id)).hallCode).toBe(winner);
      expect(count(await auditActions(contested.id), 'request.accepted')).toBe(1);
    });

    it('a withdrawal racing the last approval: exactly one wins and the request ends once', async () => {
      const requests = await Promise.all(Array.from({ length: 3 }, () => inParallel()));
      for (const { id } of requests) {
        for (const step of ['seal', 'tax', 'social', 'fund'] as const) await approve(id, step);
      }
      const results = await Promise.all(
        requests.flatMap(({ id }) => [
          post(`/requests/${id}/steps/bank/approve`, tokens.approverSAMR, {}),
          post(`/requests/${id}/withdraw`, tokens.applicantA),
        ]),
      );
      for (let i = 0; i < requests.length; i++) {
        const [approval, withdrawal] = [results[2 * i], results[2 * i + 1]];
        expect([approval.status, withdrawal.status].sort()).toEqual([200, 409]);
        const final = await view(requests[i].id);
        expect(['completed', 'withdrawn']).toContain(final.status);
        const actions = await auditActions(requests[i].id);
        expect(count(actions, 'request.completed') + count(actions, 'request.withdrawn')).toBe(1);
        if (final.status === 'completed') expect(final.outputs).toHaveLength(6);
        else expect(final.outputs).toEqual([]);
      }
    });

    it('twenty concurrent submissions get twenty distinct numbers', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          post('/requests', i % 2 ? tokens.applicantA : tokens.applicantB, submission()),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
      const numbers = results.map((r) => r.body.number as string);
      expect(new Set(numbers).size).toBe(20);
      for (const n of numbers) expect(n).toMatch(/^GX\d{14}$/);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(20);
    });
  });

  // ---- 10 ----------------------------------------------------------------------------------------

  describe('Idempotency-Key', () => {
    it('a retried submission returns the first response and creates one request', async () => {
      const key = `submit-${u}-1`;
      const before = await countRequests(companyA);
      const first = await post('/requests', tokens.applicantA, submission(), key).expect(201);
      const again = await post('/requests', tokens.applicantA, submission(), key).expect(201);
      expect(again.body).toEqual(first.body);
      expect(await countRequests(companyA)).toBe(before + 1);
      expect(await auditActions(first.body.id)).toEqual(['request.submitted']);
    });

    it('the same key with another body is a 422 and creates nothing', async () => {
      const key = `submit-${u}-2`;
      await post('/requests', tokens.applicantA, submission(), key).expect(201);
      const before = await countRequests(companyA);
      const res = await post(
        '/requests',
        tokens.applicantA,
        submission({ form: { companyName: '另一家公司' } }),
        key,
      ).expect(422);
      expect(messageText(res.body)).toContain('Idempotency-Key');
      expect(await countRequests(companyA)).toBe(before);
    });

    it("a key is the user's own: another user's same key is a request of its own", async () => {
      const key = `submit-${u}-3`;
      const a = await post('/requests', tokens.applicantA, submission(), key).expect(201);
      const b = await post('/requests', tokens.applicantB, submission(), key).expect(201);
      expect(b.body.id).not.toBe(a.body.id);
      expect(b.body.companyUscc).toBe(companyB);
    });

    it('a retried accept answers 200 twice with one body and one request.accepted', async () => {
      const { id } = await submit();
      const key = `accept-${u}`;
      const first = await post(`/requests/${id}/accept`, tokens.clerk, {}, key).expect(200);
      const again = await post(`/requests/${id}/accept`, tokens.clerk, {}, key).expect(200);
      expect(again.body).toEqual(first.body);
      expect(count(await auditActions(id), 'request.accepted')).toBe(1);
      // Without the key, a second accept is an illegal transition.
      const plain = await post(`/requests/${id}/accept`, tokens.clerk).expect(409);
      expect(plain.body.state).toBe('in_progress');
    });

    it('a retried approval replays; the same key on another step is a 422', async () => {
      const { id } = await inParallel();
      const key = `approve-${u}`;
      const first = await post(`/requests/${id}/steps/seal/approve`, tokens.approverPSB, {}, key).expect(200);
      const again = await post(`/requests/${id}/steps/seal/approve`, tokens.approverPSB, {}, key).expect(200);
      expect(again.body).toEqual(first.body);
      // licence and seal: the replay approved nothing.
      expect(count(await auditActions(id), 'step.approved')).toBe(2);
      await post(`/requests/${id}/steps/seal/approve`, tokens.approverPSB, { comment: 'again' }, key).expect(422);
    });

    describe('at once, on a database that holds expired keys (as any deployment older than a day does)', () => {
      const expired = `expired-${u}`;

      beforeAll(async () => {
        // Keys older than 24 h stay in the table until the same key is used again; a day-old
        // deployment has many. They change how the database plans the expiry check of a new key.
        const users = (await db.query('SELECT id FROM users WHERE username IN (?, ?)', [
          username('applicantA'),
          username('clerk'),
        ])) as { id: string | number }[];
        const rows = users.flatMap(({ id }) =>
          Array.from({ length: 150 }, (_, i) => [
            id,
            `${expired}-${i}`,
            'f'.repeat(64),
            new Date(Date.now() - 3 * 86_400_000),
          ]),
        );
        await db.query(
          `INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?)').join(', ')}`,
          rows.flat(),
        );
      });

      afterAll(async () => {
        await db.query('DELETE FROM idempotency_keys WHERE idempotency_key LIKE ?', [`${expired}-%`]);
      });

      it('two submissions with one key create one request, and both answer 201 with it', async () => {
        // Several pairs, so a race lost now and then shows up.
        const rounds = 5;
        const before = await countRequests(companyA);
        for (let round = 0; round < rounds; round++) {
          const key = `submit-${u}-race-${round}`;
          const results = await Promise.all([
            post('/requests', tokens.applicantA, submission(), key),
            post('/requests', tokens.applicantA, submission(), key),
          ]);
          expect(results.map((r) => [r.status, r.body.message])).toEqual([
            [201, undefined],
            [201, undefined],
          ]);
          expect(results[1].body.id).toBe(results[0].body.id);
          expect(results[1].body.number).toBe(results[0].body.number);
        }
        expect(await countRequests(companyA)).toBe(before + rounds);
      });

      it('two accepts with one key both answer 200 with one body, and accept once', async () => {
        for (let round = 0; round < 3; round++) {
          const { id } = await submit();
          const key = `accept-${u}-race-${round}`;
          const results = await Promise.all([
            post(`/requests/${id}/accept`, tokens.clerk, {}, key),
            post(`/requests/${id}/accept`, tokens.clerk, {}, key),
          ]);
          expect(results.map((r) => [r.status, r.body.message])).toEqual([
            [200, undefined],
            [200, undefined],
          ]);
          expect(results[1].body).toEqual(results[0].body);
          expect(count(await auditActions(id), 'request.accepted')).toBe(1);
        }
      });
    });

    it('a replay answers the first response even after the request has moved on; the key on another request is a 422', async () => {
      const { id } = await submit();
      const key = `accept-late-${u}`;
      const first = await post(`/requests/${id}/accept`, tokens.clerk, {}, key).expect(200);
      await post(`/requests/${id}/withdraw`, tokens.applicantA).expect(200);
      const replay = await post(`/requests/${id}/accept`, tokens.clerk, {}, key).expect(200);
      expect(replay.body).toEqual(first.body);
      expect((await view(id)).status).toBe('withdrawn');
      const other = await submit();
      await post(`/requests/${other.id}/accept`, tokens.clerk, {}, key).expect(422);
      expect((await view(other.id)).status).toBe('submitted');
    });

    it('an invalid key is a 400 and creates nothing', async () => {
      const before = await countRequests(companyA);
      const res = await post('/requests', tokens.applicantA, submission(), 'k'.repeat(200)).expect(400);
      expect(messageText(res.body)).toContain('Idempotency-Key');
      await post('/requests', tokens.applicantA, submission(), 'has space').expect(400);
      expect(await countRequests(companyA)).toBe(before);
    });
  });

  // ---- 11 ----------------------------------------------------------------------------------------

  describe('bad input and wrong roles change nothing', () => {
    it.each([
      ['an unknown field', { priority: 'high' }, 'property priority should not exist'],
      ['a form that is text', { form: 'name=示范' }, 'form must be an object'],
      ['a form that is a list', { form: ['a'] }, 'form must be an object'],
      ['materials that are not a list', { materials: 'all of them' }, 'materials must be an array'],
      ['a material without a reference', { materials: [{ code: 'ARTICLES' }] }, 'materials.0.reference'],
      ['an item code in lower case', { itemCode: 'open-biz' }, 'itemCode'],
    ])('refuses a submission with %s with 400', async (_case, overrides, message) => {
      const before = await countRequests(companyA);
      const res = await post('/requests', tokens.applicantA, submission(overrides)).expect(400);
      expect(messageText(res.body)).toContain(message);
      expect(await countRequests(companyA)).toBe(before);
    });

    it('answers an item that is only a draft, or unknown, with 404', async () => {
      const before = await countRequests(companyA);
      const draft = await post('/requests', tokens.applicantA, submission({ itemCode: DRAFT_ITEM })).expect(404);
      expect(draft.body.message).toBe(`published item ${DRAFT_ITEM} not found`);
      await post('/requests', tokens.applicantA, submission({ itemCode: c('NO-ITEM') })).expect(404);
      expect(await countRequests(companyA)).toBe(before);
    });

    it('refuses deferring a key or unknown material, a blank reason and a 65-character output number with 400', async () => {
      const { id } = await submit();
      const deferred = await post(`/requests/${id}/accept`, tokens.clerk, {
        deferredMaterials: [
          { code: 'ARTICLES', dueInWorkingDays: 5 },
          { code: 'NO-SUCH-MATERIAL', dueInWorkingDays: 5 },
        ],
      }).expect(400);
      expect(messageText(deferred.body)).toContain('key materials cannot be deferred');
      expect(messageText(deferred.body)).toContain('NO-SUCH-MATERIAL');
      const blank = await post(`/requests/${id}/refuse`, tokens.clerk, { reason: '   ' }).expect(400);
      expect(messageText(blank.body)).toContain('reason must not be blank');
      await post(`/requests/${id}/refuse`, tokens.clerk, {}).expect(400);
      await post(`/requests/${id}/supplement-requests`, tokens.clerk, { materials: [], note: 'x' }).expect(400);
      await post(`/requests/${id}/supplement-requests`, tokens.clerk, {
        materials: ['NO-SUCH-MATERIAL'],
        note: 'x',
      }).expect(400);
      expect((await view(id)).status).toBe('submitted');

      await accept(id);
      const longNumber = await post(`/requests/${id}/steps/licence/approve`, tokens.approverSAMR, {
        outputNumber: 'N'.repeat(65),
      }).expect(400);
      expect(messageText(longNumber.body)).toContain('outputNumber');
      await post(`/requests/${id}/steps/licence/deny`, tokens.approverSAMR, { reason: '   ' }).expect(400);
      await post(`/requests/${id}/steps/licence/approve`, tokens.approverSAMR, { decision: 'yes' }).expect(400);
      await post(`/requests/${id}/steps/bad%20key/approve`, tokens.approverSAMR, {}).expect(400);
      const after = await view(id);
      expect(statusesOf(after).licence).toBe('active');
      expect(await auditActions(id)).toEqual(['request.submitted', 'request.accepted', 'step.activated']);
    });

    it('refuses a cursor it did not make on /requests and /tasks with 400', async () => {
      const list = await get('/requests?cursor=not-a-cursor', tokens.applicantA).expect(400);
      expect(list.body.message).toBe('cursor is not one this api returned');
      const tasks = await get('/tasks?cursor=not-a-cursor', tokens.approverSAMR).expect(400);
      expect(tasks.body.message).toBe('cursor is not one this api returned');
      await get('/tasks?limit=0', tokens.approverSAMR).expect(400);
      await get('/requests?limit=101', tokens.applicantA).expect(400);
    });

    it('pages /tasks oldest due first: small pages add up to the whole list, in order, without repeats', async () => {
      const whole = (await get('/tasks?limit=100', tokens.approverSAMR).expect(200)).body.items as {
        requestId: string;
        stepKey: string;
        activatedAt: string;
        departmentCode: string;
        sla: { dueAt: string };
      }[];
      expect(whole.length).toBeGreaterThan(3);
      expect(whole.every((t) => t.departmentCode === DEPT.SAMR)).toBe(true);
      const times = whole.map((t) => Date.parse(t.sla.dueAt));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const paged: typeof whole = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(
          `/tasks?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
          tokens.approverSAMR,
        ).expect(200);
        paged.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor && paged.length <= whole.length);
      const keyOf = (t: { requestId: string; stepKey: string }) => `${t.requestId}/${t.stepKey}`;
      expect(paged.map(keyOf)).toEqual(whole.map(keyOf));
    });

    it('answers a role that may not act with 403 and changes nothing', async () => {
      const { id } = await submit();
      const applicantAccepts = await post(`/requests/${id}/accept`, tokens.applicantA).expect(403);
      expect(applicantAccepts.body.message).toBe('role applicant may not do this; allowed: clerk');
      await post(`/requests/${id}/withdraw`, tokens.clerk).expect(403);
      await post('/requests', tokens.manager, submission()).expect(403);
      await post('/requests', tokens.approverSAMR, submission()).expect(403);
      await accept(id);
      const clerkApproves = await post(`/requests/${id}/steps/licence/approve`, tokens.clerk, {}).expect(403);
      expect(clerkApproves.body.message).toBe('role clerk may not do this; allowed: approver');
      const tasks = await get('/tasks', tokens.applicantA).expect(403);
      expect(tasks.body.message).toBe('role applicant may not do this; allowed: approver');
      await get('/tasks', tokens.manager).expect(403);
      await http().get(`/api/v1/requests/${id}`).expect(401);
      expect(await auditActions(id)).toEqual(['request.submitted', 'request.accepted', 'step.activated']);
    });
  });
  describe('hostile text and JSON are a 400 or kept byte for byte, never a 500', () => {
    it('refuses a lone surrogate in a reason with 400 and leaves the request as it was', async () => {
      const { id } = await submit();
      const res = await post(`/requests/${id}/refuse`, tokens.clerk, { reason: 'x\ud800' }).expect(400);
      expect(messageText(res.body)).toContain('not well-formed Unicode');
      expect((await view(id)).status).toBe('submitted');
      expect(await auditActions(id)).toEqual(['request.submitted']);
    });

    it('counts variation selectors as the database does: 64 emoji presentations of A are 128 characters', async () => {
      const id = (await inParallel()).id;
      const res = await post(`/requests/${id}/steps/seal/approve`, approverOf('seal'), {
        outputNumber: 'A\uFE0F'.repeat(64),
      }).expect(400);
      expect(messageText(res.body)).toContain('outputNumber must be shorter than or equal to 64 characters');
      expect((await view(id)).steps.find((s) => s.key === 'seal')?.status).toBe('active');
    });

    it('refuses a form nested deeper than the database keeps with 400, and creates nothing', async () => {
      const before = await countRequests(companyA);
      let deep: object = { leaf: 1 };
      for (let i = 0; i < 30; i++) deep = { next: deep };
      const res = await post('/requests', tokens.applicantA, submission({ form: deep })).expect(400);
      expect(messageText(res.body)).toContain('deeper than 24 levels');
      expect(await countRequests(companyA)).toBe(before);
    });

    it('refuses a form key the framework would drop (constructor) with 400, and creates nothing', async () => {
      const before = await countRequests(companyA);
      const body = JSON.stringify(submission()).replace('"form":{', '"form":{"constructor":"c",');
      const res = await http()
        .post('/api/v1/requests')
        .set('Authorization', `Bearer ${tokens.applicantA}`)
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(messageText(res.body)).toContain('key named constructor');
      expect(await countRequests(companyA)).toBe(before);
    });

    it('keeps form keys that are names of object methods, emoji and 4-byte characters as sent', async () => {
      const form = JSON.parse(
        '{"toString":{"hasOwnProperty":1},"名称":"示范😀𠀀","sql":"\'; DROP TABLE service_requests; --","html":"<b>x</b>"}',
      ) as object;
      const created = await post('/requests', tokens.applicantA, submission({ form }), `form-${u}`).expect(201);
      expect(created.body.form).toEqual(form);
      const read = await get(`/requests/${created.body.id}`, tokens.applicantA).expect(200);
      expect(read.body.form).toEqual(form);
      const replay = await post('/requests', tokens.applicantA, submission({ form }), `form-${u}`).expect(201);
      expect(replay.body.id).toBe(created.body.id);
    });

    it('refuses a withdrawal that carries fields with 400', async () => {
      const { id } = await submit();
      const res = await post(`/requests/${id}/withdraw`, tokens.applicantA, { reason: 'changed my mind' }).expect(400);
      expect(messageText(res.body)).toContain('property reason should not exist');
      expect((await view(id)).status).toBe('submitted');
    });

    it('treats idempotency keys that differ only in case as two keys', async () => {
      const before = await countRequests(companyA);
      const lower = await post('/requests', tokens.applicantA, submission(), `case-${u}-abc`).expect(201);
      const upper = await post('/requests', tokens.applicantA, submission(), `case-${u}-ABC`).expect(201);
      expect(upper.body.id).not.toBe(lower.body.id);
      expect(await countRequests(companyA)).toBe(before + 2);
    });
  });

  describe('audit trail', () => {
    it('every request’s events, the races’ included, form an intact hash chain', async () => {
      const [{ n }] = (await db.query('SELECT COUNT(*) AS n FROM service_requests WHERE company_uscc IN (?, ?)', [
        companyA,
        companyB,
      ])) as { n: string }[];
      const report = await verifyAuditTrail(db, { subjectType: 'request' });
      expect(report.problems).toEqual([]);
      expect(report.chains).toBeGreaterThanOrEqual(Number(n));
    });
  });
});
