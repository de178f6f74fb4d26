import type { CalendarService } from '#calendar';
import { RequestStep, ServiceRequest } from '#database';
import type { OutboxWriter } from '#queue';
import { readDetails } from '../../libs/requests/src/request-details.js';
import { readRequestAndSteps } from '../../libs/requests/src/request-rows.js';
import { ClockRows } from '../../libs/sla/src/clock-rows.js';
import * as desk from '../fixtures/opening-a-business.js';
import { messageText } from '../fixtures/world.js';
import { eventually } from '../helpers.js';

/** Requests (办件): the lifecycle of a request: submission, decisions, supplements, withdrawal, 代办 and version pinning. */
describe('requests (办件)', () => {
  desk.openingABusiness();

  describe('the whole 开办企业 flow', () => {
    it('submits once, is accepted once, approved in parallel and issues every output together', async () => {
      const before = Date.now();
      const submitted = await desk.submit();
      expect(submitted).toMatchObject({
        id: expect.stringMatching(/^\d+$/),
        itemCode: desk.ITEM,
        itemVersion: 1,
        companyUscc: desk.companyA,
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
      expect([desk.zoneDay(before), desk.zoneDay(Date.now())]).toContain(submitted.number.slice(2, 10));
      expect(submitted.steps.map((s) => s.key)).toEqual([...desk.STEP_KEYS]);
      expect(submitted.steps.every((s) => s.status === 'waiting')).toBe(true);
      const id = submitted.id;
      // The same request as the admin sees it: the applicant alone may withdraw it.
      expect(await desk.view(id)).toEqual({ ...submitted, allowedActions: [] });

      const accepted = await desk.accept(id);
      expect(accepted).toMatchObject({ status: 'in_progress', hallCode: desk.HALL, acceptedAt: expect.any(String) });
      expect(desk.statusesOf(accepted)).toEqual({
        licence: 'active',
        seal: 'waiting',
        tax: 'waiting',
        social: 'waiting',
        fund: 'waiting',
        bank: 'waiting',
      });

      const tasks = await desk.get('/tasks?limit=100', desk.tokens.approverSAMR).expect(200);
      expect(tasks.body.items).toContainEqual(
        expect.objectContaining({
          requestId: id,
          requestNumber: submitted.number,
          stepKey: 'licence',
          departmentCode: desk.DEPT.SAMR,
          status: 'active',
          requestStatus: 'in_progress',
        }),
      );
      const psbTasks = await desk.get('/tasks?limit=100', desk.tokens.approverPSB).expect(200);
      expect(psbTasks.body.items).not.toContainEqual(expect.objectContaining({ requestId: id }));

      const licensed = await desk.approve(id, 'licence', { outputNumber: `91320594LIC${desk.u}`.slice(0, 64) });
      expect(licensed.status).toBe('in_progress');
      expect(desk.statusesOf(licensed)).toEqual({
        licence: 'approved',
        seal: 'active',
        tax: 'active',
        social: 'active',
        fund: 'active',
        bank: 'active',
      });
      expect(licensed.outputs).toEqual([]);

      for (const step of ['seal', 'tax', 'social', 'fund'] as const) {
        const after = await desk.approve(id, step);
        expect(after.status).toBe('in_progress');
        expect(after.outputs).toEqual([]);
        expect(after.completedAt).toBeNull();
      }

      const completed = await desk.approve(id, 'bank');
      expect(completed.status).toBe('completed');
      expect(completed.completedAt).toEqual(expect.any(String));
      expect(completed.outputs).toHaveLength(6);
      expect(new Set(completed.outputs.map((o) => o.issuedAt))).toEqual(new Set([completed.completedAt]));
      expect(completed.outputs.map((o) => o.stepKey)).toEqual([...desk.STEP_KEYS]);
      expect(completed.outputs[0].number).toBe(`91320594LIC${desk.u}`.slice(0, 64));
      expect(completed.outputs[1].number).toBe(`${submitted.number}-seal`);
      for (const step of completed.steps) {
        expect(step.status).toBe('approved');
        expect(step.output).toEqual(expect.objectContaining({ stepKey: step.key, issuedAt: completed.completedAt }));
      }
      expect(await desk.view(id)).toEqual(completed);

      const events = await desk.timeline(id, desk.tokens.applicantA);
      const actions = events.map((e) => e.action);
      expect(actions[0]).toBe('request.submitted');
      expect(actions[1]).toBe('request.accepted');
      expect(actions[actions.length - 1]).toBe('request.completed');
      expect(desk.count(actions, 'step.activated')).toBe(6);
      expect(desk.count(actions, 'step.approved')).toBe(6);
      expect(events[0]).toMatchObject({
        statusFrom: null,
        statusTo: 'submitted',
        actor: { username: desk.username('applicantA'), role: 'applicant' },
        onBehalfOf: null,
      });
      expect(events[1]).toMatchObject({
        statusFrom: 'submitted',
        statusTo: 'in_progress',
        actor: { username: desk.username('clerk'), role: 'clerk' },
      });
      expect(events.find((e) => e.action === 'step.approved')).toMatchObject({
        statusFrom: 'active',
        statusTo: 'approved',
        actor: { username: desk.username('approverSAMR'), role: 'approver' },
        payload: expect.objectContaining({ stepKey: 'licence' }),
      });
      expect(events[events.length - 1]).toMatchObject({
        statusFrom: 'in_progress',
        statusTo: 'completed',
        actor: { username: desk.username('approverSAMR'), role: 'approver' },
      });
      // Activation follows approval: the five parallel steps are activated after licence is approved.
      const licenceApproved = actions.indexOf('step.approved');
      expect(actions.slice(licenceApproved + 1, licenceApproved + 6)).toEqual(Array(5).fill('step.activated'));

      const outbox = await eventually(async () => {
        const rows = await desk.outboxEvents(id);
        const types = new Set(rows.map((r) => r.type));
        const wanted = ['request.submitted', 'request.accepted', 'step.activated', 'request.completed'];
        return wanted.every((t) => types.has(t)) ? rows : undefined;
      }, 'the outbox rows of the request');
      for (const row of outbox) expect(row.payload.requestId).toBe(id);
      expect(
        desk.count(
          outbox.map((r) => r.type),
          'request.completed',
        ),
      ).toBe(1);
      expect(
        desk.count(
          outbox.map((r) => r.type),
          'step.activated',
        ),
      ).toBe(6);
    });

    it('writes a change’s outbox rows in order: its own events first, then one per clock it moved', async () => {
      const { id } = await desk.submit();
      const clocksOf = async () =>
        (
          (await desk.db.query('SELECT id FROM sla_clocks WHERE request_id = ? ORDER BY id', [id])) as {
            id: string | number;
          }[]
        ).map((c) => String(c.id));
      const rowsOf = async (httpRequestId: string) => {
        const rows = (await desk.db.query(
          'SELECT type, payload FROM outbox_events WHERE http_request_id = ? ORDER BY id',
          [httpRequestId],
        )) as { type: string; payload: string | Record<string, unknown> }[];
        // mysql2 returns JSON columns parsed on MySQL and as text on MariaDB.
        return rows.map((r) => ({
          type: r.type,
          ...(typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload),
        }));
      };
      const [intake] = await clocksOf();

      const accepting = `accept-${desk.u}-${id}`;
      await desk.post(`/requests/${id}/accept`, desk.tokens.clerk).set('X-Request-Id', accepting).expect(200);
      const started = (await clocksOf()).slice(1);
      // The intake clock stopped, the request's and the licence step's started.
      expect(started).toHaveLength(2);
      expect(await rowsOf(accepting)).toEqual([
        { type: 'request.accepted', requestId: id },
        { type: 'step.activated', requestId: id, stepKey: 'licence' },
        ...[intake, ...started].map((clockId) => ({ type: 'sla.clock-changed', clockId })),
      ]);

      const { activatedAt } = await desk.db
        .getRepository(RequestStep)
        .findOneByOrFail({ requestId: id, stepKey: 'licence' });

      const approving = `approve-${desk.u}-${id}`;
      await desk
        .post(`/requests/${id}/steps/licence/approve`, desk.approverOf('licence'))
        .set('X-Request-Id', approving)
        .expect(200);
      const parallel = (await clocksOf()).slice(3);
      expect(parallel).toHaveLength(desk.PARALLEL.length);
      expect(await rowsOf(approving)).toEqual([
        { type: 'step.approved', requestId: id, stepKey: 'licence' },
        ...desk.PARALLEL.map((stepKey) => ({ type: 'step.activated', requestId: id, stepKey })),
        ...[started[1], ...parallel].map((clockId) => ({ type: 'sla.clock-changed', clockId })),
      ]);
      // The approved step and the five it activated, moved otherwise, each kept what was theirs.
      const steps = await desk.db
        .getRepository(RequestStep)
        .find({ where: { requestId: id }, order: { position: 'ASC' } });
      const [licence, ...others] = steps;
      expect(licence).toMatchObject({ stepKey: 'licence', status: 'approved', decisionNote: null });
      expect(licence.decidedAt).toBeInstanceOf(Date);
      expect(licence.decidedBy).toMatch(/^\d+$/);
      expect(licence.outputNumber).toBe(`${(await desk.view(id)).number}-licence`);
      expect(licence.activatedAt).toEqual(activatedAt);
      for (const step of others) {
        expect(step).toMatchObject({ status: 'active', decidedAt: null, decidedBy: null, outputNumber: null });
        expect(step.activatedAt).toEqual(licence.decidedAt);
      }
    });
  });

  describe('the request and its steps as a change loads them', () => {
    it('are the entities TypeORM would hydrate, steps in position order, and the clocks the SLA library reads', async () => {
      const submitted = await desk.submit();
      const waiting = await desk.inParallel();
      await desk
        .post(`/requests/${waiting.id}/steps/tax/supplement-requests`, desk.tokens.approverTAX, {
          materials: ['BANK-ACCOUNT-INFO'],
          note: '请补充基本存款账户信息',
        })
        .expect(200);
      const denied = await desk.inParallel();
      await desk
        .post(`/requests/${denied.id}/steps/social/deny`, desk.tokens.approverHRSS, { reason: '不符' })
        .expect(200);
      for (const { id } of [submitted, waiting, denied]) {
        const viaOrm = {
          request: await desk.db.getRepository(ServiceRequest).findOneByOrFail({ id }),
          steps: await desk.db
            .getRepository(RequestStep)
            .find({ where: { requestId: id }, order: { position: 'ASC' } }),
        };
        expect(
          await desk.db.transaction('READ COMMITTED', (manager) => readRequestAndSteps(manager, id, false)),
        ).toStrictEqual(viaOrm);
        // Locked, with the head of its audit chain as audit_chains has it.
        const [head] = (await desk.db.query(
          "SELECT last_seq AS seq, last_hash AS hash FROM audit_chains WHERE subject_type = 'request' AND subject_id = ?",
          [id],
        )) as { seq: number; hash: string }[];
        expect(head.seq).toBe((await desk.auditActions(id)).length);
        expect(
          await desk.db.transaction('READ COMMITTED', (manager) => readRequestAndSteps(manager, id, true)),
        ).toStrictEqual({ ...viaOrm, auditHead: { type: 'request', id, seq: head.seq, hash: head.hash } });
      }
      // Their clocks, read with the rows beside them, as the SLA library reads them alone: running,
      // paused (the supplement) and stopped ones.
      const sla = new ClockRows(desk.db, {} as CalendarService, {} as OutboxWriter);
      const clocksOf = async (id: string) => {
        const request = await desk.db.getRepository(ServiceRequest).findOneByOrFail({ id });
        return (await readDetails(desk.db.manager, request, new Date())).clocks;
      };
      for (const { id } of [submitted, waiting, denied]) {
        expect(await clocksOf(id)).toStrictEqual(await sla.clocksOf(desk.db.manager, [id]));
      }
      const kept = await clocksOf(waiting.id);
      expect(kept.some((c) => c.pausedAt !== null && c.stoppedAt === null)).toBe(true);
      expect(kept.some((c) => c.stoppedAt !== null)).toBe(true);
      const { request } = (await desk.db.transaction((m) => readRequestAndSteps(m, waiting.id, false)))!;
      expect(request.supplement).toMatchObject({ stage: 'processing', stepKey: 'tax' });
      expect(await desk.db.transaction((m) => readRequestAndSteps(m, '999999999999', true))).toBeNull();
    });
  });

  // ---- 2 -----------------------------------------------------------------------------------------

  describe('materials at submission (一次告知)', () => {
    // [test name, the material codes sent, what the 400 says]
    it.each([
      [
        'refuses missing required materials with 400 listing their codes, and creates nothing',
        ['APPLICATION-FORM', 'ARTICLES', 'ID-LEGAL-REP'],
        'missing required materials: PREMISES, STAFF-LIST',
      ],
      [
        'refuses a material not on the checklist with 400 naming it, and creates nothing',
        [...desk.REQUIRED, 'NO-SUCH-MATERIAL'],
        `materials not on the checklist of ${desk.ITEM}: NO-SUCH-MATERIAL`,
      ],
      ['refuses a material listed twice with 400 naming it', [...desk.REQUIRED, 'ARTICLES'], 'ARTICLES more than once'],
    ])('%s', async (_name, codes, message) => {
      const before = await desk.countRequests(desk.companyA);
      const res = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission({ materials: desk.materialsOf(codes) }))
        .expect(400);
      expect(messageText(res.body)).toContain(message);
      expect(await desk.countRequests(desk.companyA)).toBe(before);
    });

    it('accepts the required materials alone: optional ones may be left out', async () => {
      const res = await desk.post(
        '/requests',
        desk.tokens.applicantA,
        desk.submission({ materials: desk.materialsOf(desk.REQUIRED) }),
      );
      expect(res.status).toBe(201);
      expect(res.body.materials.map((m: { code: string }) => m.code)).toEqual(desk.REQUIRED);
    });
  });

  // ---- 3 -----------------------------------------------------------------------------------------

  describe('deny', () => {
    it('a step waiting for its dependencies cannot be decided: 409 naming waiting', async () => {
      const { id } = await desk.submit();
      await desk.accept(id);
      const early = await desk.post(`/requests/${id}/steps/seal/approve`, desk.tokens.approverPSB, {}).expect(409);
      expect(early.body.state).toBe('waiting');
      await desk.post(`/requests/${id}/steps/seal/deny`, desk.tokens.approverPSB, { reason: 'x' }).expect(409);
      expect(desk.statusesOf(await desk.view(id)).seal).toBe('waiting');
      const notAccepted = await desk.submit();
      const unaccepted = await desk
        .post(`/requests/${notAccepted.id}/steps/licence/approve`, desk.tokens.approverSAMR, {})
        .expect(409);
      expect(unaccepted.body.state).toBe('submitted');
    });

    it('a denied step ends the request as denied, cancels the other active steps, and no step can be decided after', async () => {
      const { id } = await desk.inParallel();
      const res = await desk
        .post(`/requests/${id}/steps/tax/deny`, desk.tokens.approverTAX, {
          reason: '纳税人识别信息与登记信息不一致',
        })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'denied',
        outcomeReason: '纳税人识别信息与登记信息不一致',
        completedAt: null,
        endedAt: expect.any(String),
        outputs: [],
      });
      expect(desk.statusesOf(res.body)).toEqual({
        licence: 'approved',
        seal: 'cancelled',
        tax: 'denied',
        social: 'cancelled',
        fund: 'cancelled',
        bank: 'cancelled',
      });
      expect(await desk.view(id)).toEqual(res.body);

      const late = await desk.post(`/requests/${id}/steps/seal/approve`, desk.tokens.approverPSB, {}).expect(409);
      expect(late.body.state).toBe('denied');
      expect(late.body.message).toContain('denied');
      expect(await desk.view(id)).toEqual(res.body);
      const actions = await desk.auditActions(id);
      expect(desk.count(actions, 'request.denied')).toBe(1);
      expect(desk.count(actions, 'step.cancelled')).toBe(4);
    });
  });

  // ---- 4 -----------------------------------------------------------------------------------------

  describe('supplements (补正)', () => {
    it('at intake: the clerk asks, a partial answer is refused naming what is missing, a full one returns it to intake', async () => {
      const { id } = await desk.submit();
      const asked = await desk
        .post(`/requests/${id}/supplement-requests`, desk.tokens.clerk, {
          materials: ['PREMISES', 'ARTICLES'],
          note: '住所使用证明需加盖产权单位公章',
        })
        .expect(200);
      expect(asked.body).toMatchObject({
        status: 'supplement_required',
        hallCode: desk.HALL,
        supplement: { stage: 'intake', stepKey: null, materials: ['PREMISES', 'ARTICLES'] },
      });
      await desk.post(`/requests/${id}/accept`, desk.tokens.clerk).expect(409);

      const partial = await desk
        .post(`/requests/${id}/supplements`, desk.tokens.applicantA, {
          materials: [{ code: 'PREMISES', reference: 'file:premises-v2.pdf' }],
        })
        .expect(400);
      expect(messageText(partial.body)).toContain('missing the materials asked for: ARTICLES');
      expect((await desk.view(id)).status).toBe('supplement_required');

      const supplied = await desk
        .post(`/requests/${id}/supplements`, desk.tokens.applicantA, {
          materials: [
            { code: 'PREMISES', reference: 'file:premises-v2.pdf' },
            { code: 'ARTICLES', reference: 'file:articles-v2.pdf' },
          ],
        })
        .expect(200);
      expect(supplied.body).toMatchObject({ status: 'submitted', supplement: null });
      expect(supplied.body.materials).toEqual(
        expect.arrayContaining([
          { code: 'PREMISES', reference: 'file:premises-v2.pdf' },
          { code: 'ARTICLES', reference: 'file:articles-v2.pdf' },
        ]),
      );
      expect(supplied.body.materials).toHaveLength(desk.REQUIRED.length + 1);

      const accepted = await desk.accept(id);
      expect(accepted.status).toBe('in_progress');
      expect(desk.statusesOf(accepted).licence).toBe('active');
      const actions = await desk.auditActions(id);
      expect(actions.slice(0, 4)).toEqual([
        'request.submitted',
        'request.supplement-requested',
        'request.supplied',
        'request.accepted',
      ]);
    });

    it('for a step: the request waits, no step can be approved meanwhile, and the answer resumes processing', async () => {
      const { id } = await desk.inParallel();
      const wrong = await desk
        .post(`/requests/${id}/steps/tax/supplement-requests`, desk.tokens.approverTAX, {
          materials: ['STAFF-LIST'],
          note: 'not a material of the tax matter',
        })
        .expect(400);
      expect(messageText(wrong.body)).toContain('STAFF-LIST');

      const asked = await desk
        .post(`/requests/${id}/steps/tax/supplement-requests`, desk.tokens.approverTAX, {
          materials: ['BANK-ACCOUNT-INFO'],
          note: '请补充基本存款账户信息',
        })
        .expect(200);
      expect(asked.body).toMatchObject({
        status: 'supplement_required',
        supplement: { stage: 'processing', stepKey: 'tax', materials: ['BANK-ACCOUNT-INFO'] },
      });
      expect(desk.statusesOf(asked.body).tax).toBe('active');

      for (const step of ['seal', 'tax'] as const) {
        const meanwhile = await desk
          .post(`/requests/${id}/steps/${step}/approve`, desk.approverOf(step), {})
          .expect(409);
        expect(meanwhile.body.state).toBe('supplement_required');
      }
      await desk.post(`/requests/${id}/steps/social/deny`, desk.tokens.approverHRSS, { reason: 'x' }).expect(409);
      expect(desk.statusesOf(await desk.view(id))).toEqual(desk.statusesOf(asked.body));

      const supplied = await desk
        .post(`/requests/${id}/supplements`, desk.tokens.applicantA, {
          materials: [{ code: 'BANK-ACCOUNT-INFO', reference: 'file:bank-v2.pdf' }],
        })
        .expect(200);
      expect(supplied.body).toMatchObject({ status: 'in_progress', supplement: null });
      const after = await desk.approve(id, 'tax');
      expect(desk.statusesOf(after).tax).toBe('approved');
    });

    it('answers a supplement nobody asked for with 409', async () => {
      const { id } = await desk.submit();
      const res = await desk
        .post(`/requests/${id}/supplements`, desk.tokens.applicantA, {
          materials: desk.materialsOf(['PREMISES']),
        })
        .expect(409);
      expect(res.body.state).toBe('submitted');
    });
  });

  // ---- 5 -----------------------------------------------------------------------------------------

  describe('withdraw and refuse', () => {
    it('the applicant withdraws: steps are cancelled, and withdrawing again is a 409 naming withdrawn', async () => {
      const { id } = await desk.inParallel();
      const res = await desk.post(`/requests/${id}/withdraw`, desk.tokens.applicantA).expect(200);
      expect(res.body).toMatchObject({ status: 'withdrawn', endedAt: expect.any(String), outputs: [] });
      expect(desk.statusesOf(res.body)).toEqual({
        licence: 'approved',
        seal: 'cancelled',
        tax: 'cancelled',
        social: 'cancelled',
        fund: 'cancelled',
        bank: 'cancelled',
      });
      const again = await desk.post(`/requests/${id}/withdraw`, desk.tokens.applicantA).expect(409);
      expect(again.body).toMatchObject({ statusCode: 409, state: 'withdrawn' });
      expect(again.body.message).toContain('withdrawn');
      expect(await desk.view(id)).toEqual(res.body);
    });

    it('the clerk refuses at intake with a reason: refused, every step cancelled', async () => {
      const { id } = await desk.submit();
      const res = await desk
        .post(`/requests/${id}/refuse`, desk.tokens.clerk, { reason: '申请事项不属于本中心受理范围' })
        .expect(200);
      expect(res.body).toMatchObject({
        status: 'refused',
        outcomeReason: '申请事项不属于本中心受理范围',
        hallCode: desk.HALL,
        acceptedAt: null,
      });
      expect(res.body.steps.every((s: desk.StepView) => s.status === 'cancelled')).toBe(true);
      const late = await desk.post(`/requests/${id}/accept`, desk.tokens.clerk).expect(409);
      expect(late.body.state).toBe('refused');
    });
  });

  // ---- 6 -----------------------------------------------------------------------------------------

  describe('代办 (a clerk submits on behalf of a company)', () => {
    it('records the company, the hall and the clerk, and normalises the code as typed', async () => {
      const typed = `${desk.companyA.slice(0, 6)} ${desk.companyA.slice(6, 12).toLowerCase()} ${desk.companyA.slice(12)}`;
      const res = await desk.post('/requests', desk.tokens.clerk, desk.submission({ onBehalfOf: typed })).expect(201);
      expect(res.body).toMatchObject({
        companyUscc: desk.companyA,
        onBehalfOf: desk.companyA,
        hallCode: desk.HALL,
        status: 'submitted',
      });
      const [first] = await desk.timeline(res.body.id, desk.tokens.applicantA);
      expect(first).toMatchObject({
        action: 'request.submitted',
        onBehalfOf: desk.companyA,
        actor: { username: desk.username('clerk'), role: 'clerk' },
      });
      // The company sees what was submitted for it.
      await desk.get(`/requests/${res.body.id}`, desk.tokens.applicantA).expect(200);
      await desk.get(`/requests/${res.body.id}`, desk.tokens.applicantB).expect(404);
    });

    it('refuses onBehalfOf from an applicant (403), a clerk without it (400) and an unknown company (404)', async () => {
      const beforeA = await desk.countRequests(desk.companyA);
      const beforeB = await desk.countRequests(desk.companyB);
      await desk.post('/requests', desk.tokens.applicantB, desk.submission({ onBehalfOf: desk.companyA })).expect(403);
      const missing = await desk.post('/requests', desk.tokens.clerk, desk.submission()).expect(400);
      expect(messageText(missing.body)).toContain('onBehalfOf is required');
      const unknown = await desk
        .post('/requests', desk.tokens.clerk, desk.submission({ onBehalfOf: desk.unregistered }))
        .expect(404);
      expect(messageText(unknown.body)).toContain(desk.unregistered);
      const invalid = `${desk.companyA.slice(0, 17)}${desk.companyA[17] === '0' ? '1' : '0'}`;
      await desk.post('/requests', desk.tokens.clerk, desk.submission({ onBehalfOf: invalid })).expect(400);
      expect(await desk.countRequests(desk.companyA)).toBe(beforeA);
      expect(await desk.countRequests(desk.companyB)).toBe(beforeB);
      expect(await desk.countRequests(desk.unregistered)).toBe(0);
    });
  });

  // ---- 7 -----------------------------------------------------------------------------------------

  describe('version pinning', () => {
    it('a request keeps the version it started on; new requests take the latest published one', async () => {
      const old = await desk.submit(desk.tokens.applicantA, { itemCode: desk.PINNED_ITEM });
      expect(old.itemVersion).toBe(1);

      // v2: only the licence and the seal.
      const draft = await desk
        .post('/items', desk.tokens.admin, desk.item(desk.PINNED_ITEM, ['licence', 'seal'], '开办企业（简易版）'))
        .expect(201);
      expect(draft.body.version).toBe(2);
      // A draft changes nothing for applicants.
      expect((await desk.submit(desk.tokens.applicantA, { itemCode: desk.PINNED_ITEM })).itemVersion).toBe(1);
      await desk.post(`/items/${desk.PINNED_ITEM}/versions/2/publish`, desk.tokens.admin).expect(200);

      const oldNow = await desk.view(old.id);
      expect(oldNow.itemVersion).toBe(1);
      expect(oldNow.steps.map((s) => s.key)).toEqual([...desk.STEP_KEYS]);
      await desk.accept(old.id);
      await desk.approve(old.id, 'licence');
      let last: desk.RequestView | undefined;
      for (const step of desk.PARALLEL) last = await desk.approve(old.id, step);
      expect(last).toMatchObject({ status: 'completed', itemVersion: 1 });
      expect(last!.outputs).toHaveLength(6);

      // v2's checklist: STAFF-LIST belonged to matters v2 no longer has.
      const stale = await desk
        .post(
          '/requests',
          desk.tokens.applicantA,
          desk.submission({ itemCode: desk.PINNED_ITEM, materials: desk.materialsOf(desk.REQUIRED) }),
        )
        .expect(400);
      expect(messageText(stale.body)).toContain('STAFF-LIST');
      const fresh = await desk.submit(desk.tokens.applicantA, {
        itemCode: desk.PINNED_ITEM,
        materials: desk.materialsOf(['APPLICATION-FORM', 'ARTICLES', 'ID-LEGAL-REP', 'PREMISES']),
      });
      expect(fresh.itemVersion).toBe(2);
      expect(fresh.steps.map((s) => s.key)).toEqual(['licence', 'seal']);
      await desk.accept(fresh.id);
      await desk.approve(fresh.id, 'licence');
      const done = await desk.approve(fresh.id, 'seal');
      expect(done).toMatchObject({ status: 'completed', itemVersion: 2 });
      expect(done.outputs).toHaveLength(2);
    });

    it('the submission after a newer version is published starts on it, though the api last read the older one and the older would refuse it', async () => {
      const materials = desk.materialsOf(['APPLICATION-FORM', 'ARTICLES', 'ID-LEGAL-REP', 'PREMISES']);
      // The api reads v2 as the latest (and remembers it).
      expect((await desk.submit(desk.tokens.applicantA, { itemCode: desk.PINNED_ITEM, materials })).itemVersion).toBe(
        2,
      );
      // v3 asks no company name, which v2 requires.
      const v3 = {
        ...desk.item(desk.PINNED_ITEM, ['licence', 'seal'], '开办企业（简易版）'),
        formSchema: { type: 'object', properties: { companyName: { type: 'string' } } },
      };
      expect((await desk.post('/items', desk.tokens.admin, v3).expect(201)).body.version).toBe(3);
      await desk.post(`/items/${desk.PINNED_ITEM}/versions/3/publish`, desk.tokens.admin).expect(200);
      const onV2 = async () =>
        Number(
          (
            (await desk.db.query(
              'SELECT COUNT(*) AS n FROM service_requests WHERE item_code = ? AND item_version = 2',
              [desk.PINNED_ITEM],
            )) as { n: string }[]
          )[0].n,
        );
      const before = await onV2();
      const res = await desk
        .post('/requests', desk.tokens.applicantA, desk.submission({ itemCode: desk.PINNED_ITEM, materials, form: {} }))
        .expect(201);
      expect(res.body.itemVersion).toBe(3);
      // And one the older would take starts on the newer too.
      const named = await desk.submit(desk.tokens.applicantA, { itemCode: desk.PINNED_ITEM, materials });
      expect(named.itemVersion).toBe(3);
      expect(await onV2()).toBe(before);
    });
  });

  // ---- 8 -----------------------------------------------------------------------------------------
});
