import { AuditEvent } from '#database';
import { SlaTimers } from '../../apps/worker/src/sla-timers.js';
import { appAndWorkerWithWorld, type Sla, SteppingClock } from '../fixtures/clock.js';
import { apiOf, minuteReview, usccOf } from '../fixtures/world.js';
import { eventually, unique } from '../helpers.js';

interface LegalSla extends Sla {
  legalDueAt?: string;
  legalState?: string;
}

interface Procedure {
  id: string;
  stepKey: string;
  startedAt: string;
  endsAt: string;
  endedAt: string | null;
  startedBy: { id: string; username: string };
  endedBy: { id: string; username: string } | null;
}

interface View {
  sla: LegalSla | null;
  steps: { key: string; sla: LegalSla | null; allowedActions?: string[] }[];
  specialProcedures: Procedure[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * 行政许可法 time rules on `always` with minute limits (minuteReview: the step 10 minutes promised,
 * 30 by law; the request 20): a special procedure (Art. 45) ended early by its approver.
 */
describe('行政许可法 time rules: special procedures ended early, joint handling, value-added services', () => {
  const u = unique().toUpperCase();
  const ITEM = `TR-${u}`;
  const DEPT = `TR-D-${u}`;
  const company = usccOf('91320597');
  const JOINT = `TR-J-${u}`;
  const clock = new SteppingClock();
  const review = minuteReview({ item: ITEM, matter: `TR-M-${u}`, departmentCode: DEPT }, [
    { code: 'PLAN', name: '方案', required: true, key: true },
  ]);
  const VALUE_ADDED = `TR-V-${u}`;
  const { legalLimit: _law, ...valueAddedMatter } = { ...review.matters[0], code: `TR-VM-${u}`, name: '帮办代办' };
  const world = {
    matters: [...review.matters, valueAddedMatter],
    items: [
      ...review.items,
      { ...review.items[0], code: JOINT, name: '联合办理一件事', joint: true },
      {
        ...review.items[0],
        code: VALUE_ADDED,
        name: '增值服务一件事',
        steps: [{ key: 'review', matterCode: `TR-VM-${u}` }],
      },
    ],
  };
  const suite = appAndWorkerWithWorld(clock, {
    departments: [
      { code: DEPT, name: '时限规则测试部门' },
      { code: `${DEPT}-2`, name: '时限规则另一部门' },
    ],
    halls: [{ code: `TR-H-${u}`, name: '时限规则测试大厅', level: 'centre' }],
    ...world,
    companies: [{ uscc: company, name: '时限规则测试公司' }],
    users: {
      applicant: { role: 'applicant', companyUscc: company },
      clerk: { role: 'clerk', hallCode: `TR-H-${u}` },
      approver: { role: 'approver', departmentCode: DEPT },
      colleague: { role: 'approver', departmentCode: DEPT },
      stranger: { role: 'approver', departmentCode: `${DEPT}-2` },
      manager: { role: 'manager' },
    },
    username: (key) => `tr-${key}-${u}`,
  });
  const { tokens } = suite;
  const { get, post } = apiOf(() => suite.app);

  const view = async (id: string, token = tokens.admin) =>
    (await get(`/requests/${id}`, token).expect(200)).body as View;
  const audits = (id: string, action: string) =>
    suite.db.getRepository(AuditEvent).countBy({ subjectType: 'request', subjectId: id, action });
  const stepClock = async (id: string) => {
    const [row] = (await suite.db.query(
      "SELECT id, generation FROM sla_clocks WHERE request_id = ? AND kind = 'step' AND stopped_at IS NULL",
      [id],
    )) as { id: string | number; generation: number }[];
    return { id: String(row.id), generation: Number(row.generation) };
  };
  const timer = (jobId: string) => eventually(() => suite.slaQueue.getJob(jobId), `timer ${jobId}`);

  async function acceptedRequest(itemCode = ITEM): Promise<string> {
    const submitted = await post('/requests', tokens.applicant, {
      itemCode,
      form: {},
      materials: [{ code: 'PLAN', reference: 'file:plan.pdf' }],
    }).expect(201);
    await post(`/requests/${submitted.body.id}/accept`, tokens.clerk).expect(200);
    return submitted.body.id as string;
  }

  it('the approver who started it ends it early: the clocks count on from then with the time they had left', async () => {
    const id = await acceptedRequest();
    clock.advanceMinutes(2);
    const endsAt = new Date(clock.now().getTime() + 60 * MINUTE).toISOString();
    const started = await post(`/requests/${id}/steps/review/special-procedures`, tokens.approver, {
      reason: '组织专家评审',
      endsAt,
    }).expect(200);
    expect(started.body.steps[0].sla).toMatchObject({ state: 'paused', remainingWorkingMinutes: 8 });
    expect(started.body.sla).toMatchObject({ state: 'paused', remainingWorkingMinutes: 18 });
    expect(started.body.specialProcedures[0].startedBy.username).toBe(`tr-approver-${u}`.toLowerCase());

    // The console shows the button to the approver who started it only.
    expect((await view(id, tokens.approver)).steps[0].allowedActions).toContain('end-special-procedure');
    expect((await view(id, tokens.colleague)).steps[0].allowedActions).not.toContain('end-special-procedure');

    clock.advanceMinutes(5);
    const refused = await post(`/requests/${id}/steps/review/special-procedures/end`, tokens.colleague).expect(403);
    expect(refused.body.message).toContain('only the approver who started a special procedure may end it');
    await post(`/requests/${id}/steps/review/special-procedures/end`, tokens.stranger).expect(404);
    await post(`/requests/${id}/steps/review/special-procedures/end`, tokens.clerk).expect(403);
    expect((await view(id)).specialProcedures[0].endedAt).toBeNull();

    const ended = await post(`/requests/${id}/steps/review/special-procedures/end`, tokens.approver).expect(200);
    const body = ended.body as View;
    const procedure = body.specialProcedures[0];
    expect(procedure).toMatchObject({ endsAt: started.body.specialProcedures[0].endsAt });
    expect(procedure.endedBy).toEqual(procedure.startedBy);
    const endedAt = Date.parse(procedure.endedAt!);
    expect(endedAt).toBeLessThan(Date.parse(procedure.endsAt));
    // Resumed at the early end with the 8 minutes the step had left, and the 18 of the request.
    expect(body.steps[0].sla).toMatchObject({ state: 'running', pausedMinutes: 5 });
    const pausedAt = Date.parse(procedure.startedAt);
    const left = (due: string) => Date.parse(due) - pausedAt;
    const before = started.body as View;
    // 8 minutes, less the real seconds the calls took (this clock steps on from the real one).
    expect(left(before.steps[0].sla!.dueAt)).toBeGreaterThan(7 * MINUTE);
    expect(left(before.steps[0].sla!.dueAt)).toBeLessThanOrEqual(8 * MINUTE);
    expect(Date.parse(body.steps[0].sla!.dueAt)).toBe(endedAt + left(before.steps[0].sla!.dueAt));
    expect(Date.parse(body.steps[0].sla!.legalDueAt!)).toBe(endedAt + left(before.steps[0].sla!.legalDueAt!));
    expect(Date.parse(body.sla!.dueAt)).toBe(endedAt + left(before.sla!.dueAt));
    expect(body.steps[0].allowedActions).toContain('special-procedure');

    // Once ended, there is nothing to end.
    const again = await post(`/requests/${id}/steps/review/special-procedures/end`, tokens.approver).expect(409);
    expect(again.body.message).toContain('is not in a special procedure');

    // Audited, on the timeline, with who ended it.
    expect(await audits(id, 'step.special-procedure-ended')).toBe(1);
    const timeline = (await get(`/requests/${id}/timeline?limit=100`, tokens.admin).expect(200)).body.items as {
      action: string;
      actor: { username: string } | null;
    }[];
    const end = timeline.find((e) => e.action === 'step.special-procedure-ended');
    expect(end?.actor?.username).toBe(`tr-approver-${u}`.toLowerCase());

    // The step clock's timer is set again for its new warning time.
    const { id: clockId, generation } = await stepClock(id);
    const job = await timer(`sla-${clockId}-${generation}-warning`);
    expect(job.data).toMatchObject({ clockId });

    // The planned end passes later: nothing more is recorded, the clock keeps its due time.
    clock.advanceMinutes(60);
    await suite.worker.get(SlaTimers).reconcile();
    expect(await audits(id, 'step.special-procedure-ended')).toBe(1);
    const later = await view(id);
    expect(later.steps[0].sla!.dueAt).toBe(body.steps[0].sla!.dueAt);
    expect(later.specialProcedures[0].endedAt).toBe(procedure.endedAt);
  });

  it('联合办理: a joint item’s request has a legal limit of 45 working days, extended once by 15 with its extension', async () => {
    const item = (await get(`/items/${JOINT}`).expect(200)).body as { joint: boolean };
    expect(item.joint).toBe(true);
    const listed = (await get(`/items?q=${JOINT}`).expect(200)).body.items as { code: string; joint: boolean }[];
    expect(listed.find((i) => i.code === JOINT)?.joint).toBe(true);
    expect(((await get(`/items/${ITEM}`).expect(200)).body as { joint: boolean }).joint).toBe(false);

    const id = await acceptedRequest(JOINT);
    const accepted = await view(id);
    const started = await suite.db.query(
      "SELECT started_at, legal_due_at FROM sla_clocks WHERE request_id = ? AND kind = 'request'",
      [id],
    );
    expect(started).toHaveLength(1);
    // On `always` a working day is a calendar day: 45 of them from the start of the request clock.
    const startedAt = (started[0] as { started_at: Date }).started_at.getTime();
    expect(Date.parse(accepted.sla!.legalDueAt!) - startedAt).toBe(45 * DAY);
    expect(accepted.sla!.legalState).toBe('running');
    // Its steps keep their matters' own legal limits (30 minutes here).
    expect(Date.parse(accepted.steps[0].sla!.legalDueAt!) - Date.parse(accepted.steps[0].sla!.dueAt)).toBe(20 * MINUTE);

    const extended = await post(`/requests/${id}/extensions`, tokens.manager, {
      workingDays: 2,
      reason: '多部门联合会审',
    }).expect(200);
    expect(extended.body.extension).toMatchObject({ workingDays: 2, legalWorkingDays: 15, reason: '多部门联合会审' });
    expect(Date.parse(extended.body.sla.legalDueAt) - Date.parse(accepted.sla!.legalDueAt!)).toBe(15 * DAY);
    expect(Date.parse(extended.body.sla.dueAt) - Date.parse(accepted.sla!.dueAt)).toBe(2 * DAY);
    const audit = (await get(`/requests/${id}/timeline?limit=100`, tokens.admin).expect(200)).body.items.find(
      (e: { action: string }) => e.action === 'request.extended',
    );
    expect(audit.payload).toMatchObject({ workingDays: 2, legalWorkingDays: 15 });

    // The legal extension is granted once: a second is refused and moves nothing.
    const again = await post(`/requests/${id}/extensions`, tokens.manager, { workingDays: 1, reason: '再延' }).expect(
      409,
    );
    expect(again.body.message).toContain('once per request');
    expect((await view(id)).sla!.legalDueAt).toBe(extended.body.sla.legalDueAt);

    // Another item's request has no legal limit of its own, and its extension adds none.
    const plain = await acceptedRequest();
    expect((await view(plain)).sla).not.toHaveProperty('legalDueAt');
    const plainExtended = await post(`/requests/${plain}/extensions`, tokens.manager, {
      workingDays: 1,
      reason: '需现场核查',
    }).expect(200);
    expect(plainExtended.body.extension.legalWorkingDays).toBeNull();
    expect(plainExtended.body.sla).not.toHaveProperty('legalState');
  });

  it('联合办理: a joint item promises at most its legal limit of 45 working days; a longer promise is refused and nothing is made', async () => {
    const item = (code: string, joint: boolean, promisedLimit: { value: number; unit: string }) => ({
      ...review.items[0],
      code,
      name: '联合办理承诺时限',
      joint,
      promisedLimit,
    });
    const versions = (code: string) => suite.db.query('SELECT id FROM item_versions WHERE item_code = ?', [code]);
    const itemAudits = (code: string) =>
      suite.db.getRepository(AuditEvent).countBy({ subjectType: 'item', subjectId: code });

    // 46 working days, and 316 working hours (18,960 working minutes against 45 × 420 = 18,900).
    const tooLong = `TR-JL-${u}`;
    const days = await post('/items', tokens.admin, item(tooLong, true, { value: 46, unit: 'workingDays' })).expect(
      400,
    );
    expect(days.body.message).toContain(
      'promisedLimit (46 workingDays = 19320 working minutes) is longer than the legal limit of a joint item (45 workingDays = 18900 working minutes)',
    );
    const hours = await post('/items', tokens.admin, item(tooLong, true, { value: 316, unit: 'workingHours' })).expect(
      400,
    );
    expect(hours.body.message).toContain(
      'promisedLimit (316 workingHours = 18960 working minutes) is longer than the legal limit of a joint item (45 workingDays = 18900 working minutes)',
    );
    expect(await versions(tooLong)).toHaveLength(0);
    expect(await itemAudits(tooLong)).toBe(0);

    // The same refusal for a reader of zh-CN.
    const zh = await post('/items', tokens.admin, item(tooLong, true, { value: 46, unit: 'workingDays' }))
      .set('Accept-Language', 'zh-CN')
      .expect(400);
    expect(zh.body.message).toContain(
      '承诺时限（46 workingDays，即 19320 个工作分钟）长于联合办理一件事的法定时限（45 workingDays，即 18900 个工作分钟）',
    );

    // A new version of an existing joint item is held to the same limit, and the one before stays.
    const before = await versions(JOINT);
    await post('/items', tokens.admin, item(JOINT, true, { value: 50, unit: 'workingDays' })).expect(400);
    expect(await versions(JOINT)).toEqual(before);

    // The limit itself is allowed (45 working days, 315 working hours), and an item not joint is not bound by it.
    await post('/items', tokens.admin, item(`TR-JD-${u}`, true, { value: 45, unit: 'workingDays' })).expect(201);
    await post('/items', tokens.admin, item(`TR-JH-${u}`, true, { value: 315, unit: 'workingHours' })).expect(201);
    await post('/items', tokens.admin, item(`TR-JN-${u}`, false, { value: 60, unit: 'workingDays' })).expect(201);
  });

  it('增值服务: a matter with a promise and no legal limit; its step has no legal clock, its promise counts as ever', async () => {
    // The catalogue is shared by every test file: read every page of it, in code order.
    const matters: { code: string; legalLimit: unknown }[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/matters?limit=100${cursor ? `&cursor=${cursor}` : ''}`, tokens.admin).expect(200);
      matters.push(...(page.body.items as { code: string; legalLimit: unknown }[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    const valueAdded = matters.find((m) => m.code === `TR-VM-${u}`);
    expect(valueAdded).toBeDefined();
    expect(valueAdded!.legalLimit).toBeNull();
    // An explicit null is the same; a promise is still checked against a legal limit when one is given.
    await post('/matters', tokens.admin, {
      ...valueAddedMatter,
      code: `TR-VN-${u}`,
      legalLimit: null,
    }).expect(201);

    const id = await acceptedRequest(VALUE_ADDED);
    const accepted = await view(id);
    const step = accepted.steps[0].sla!;
    expect(step).toMatchObject({ state: 'running' });
    expect(step).not.toHaveProperty('legalDueAt');
    expect(step).not.toHaveProperty('legalState');
    const [row] = (await suite.db.query("SELECT legal_due_at FROM sla_clocks WHERE request_id = ? AND kind = 'step'", [
      id,
    ])) as { legal_due_at: Date | null }[];
    expect(row.legal_due_at).toBeNull();

    // Past its promise it is overdue, and nothing about the law is ever recorded.
    clock.advanceMinutes(40);
    await suite.worker.get(SlaTimers).reconcile();
    await eventually(async () => (await audits(id, 'sla.overdue')) >= 1, 'the overdue in the timeline');
    const late = (await view(id)).steps[0].sla!;
    expect(late.state).toBe('overdue');
    expect(late).not.toHaveProperty('legalState');
    expect(await audits(id, 'sla.legal-breach')).toBe(0);
    const approved = await post(`/requests/${id}/steps/review/approve`, tokens.approver).expect(200);
    expect(approved.body.steps[0].sla.state).toBe('breached');
    expect(approved.body.steps[0].sla).not.toHaveProperty('legalState');
  });
});
