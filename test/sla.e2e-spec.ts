import { createRedis, loadConfig, scanKeys } from '#config';
import { AuditEvent } from '#database';
import { SlaService } from '#sla';
import { SlaTimers } from '../apps/worker/src/sla-timers.js';
import { appAndWorkerWithWorld, type Sla, SteppingClock } from './fixtures/clock.js';
import { deemAccepted } from './fixtures/services.js';
import { apiOf, minuteReview, usccOf } from './fixtures/world.js';
import { eventually, unique } from './helpers.js';

describe('SLA clocks on `always` with minute limits (timers, pauses, reconciliation)', () => {
  const u = unique().toUpperCase();
  const ITEM = `SLA-${u}`;
  const company = usccOf('91320596');
  const clock = new SteppingClock();
  const suite = appAndWorkerWithWorld(clock, {
    departments: [{ code: `D-${u}`, name: 'SLA 测试部门' }],
    halls: [{ code: `H-${u}`, name: 'SLA 测试大厅', level: 'centre' }],
    ...minuteReview({ item: ITEM, matter: `M-${u}`, departmentCode: `D-${u}` }, [
      { code: 'PLAN', name: '方案', required: true, key: true },
      { code: 'PHOTO', name: '现场照片', required: false, key: false },
    ]),
    companies: [{ uscc: company, name: 'SLA 测试公司' }],
    users: {
      applicant: { role: 'applicant', companyUscc: company },
      clerk: { role: 'clerk', hallCode: `H-${u}` },
      approver: { role: 'approver', departmentCode: `D-${u}` },
      manager: { role: 'manager' },
    },
    username: (key) => `sla-${key}-${u}`,
  });
  const { tokens } = suite;

  const { http, post } = apiOf(() => suite.app);
  const view = async (id: string) =>
    (await http().get(`/api/v1/requests/${id}`).set('Authorization', `Bearer ${tokens.admin}`).expect(200)).body as {
      sla: Sla | null;
      steps: { key: string; sla: Sla | null }[];
    };
  const stepSla = async (id: string) => (await view(id)).steps[0].sla!;
  const audits = async (id: string, action: string) =>
    suite.db.getRepository(AuditEvent).countBy({ subjectType: 'request', subjectId: id, action });
  const stepClock = async (id: string) => {
    const [row] = (await suite.db.query(
      "SELECT id, generation FROM sla_clocks WHERE request_id = ? AND kind = 'step' AND stopped_at IS NULL",
      [id],
    )) as { id: string | number; generation: number }[];
    return { id: String(row.id), generation: Number(row.generation) };
  };
  /** Waits until the worker has set the clock's timer (after the relay brought it the clock's event). */
  const timer = (jobId: string) => eventually(() => suite.slaQueue.getJob(jobId), `timer ${jobId}`);
  /** Lets a timer fire now instead of at its time (BullMQ changeDelay). */
  const fireNow = async (jobId: string) => {
    const job = await timer(jobId);
    if (await job.isDelayed()) await job.changeDelay(0);
  };

  /** A draft item `code` named `name` with one step `review` on this file's matter, as the admin makes it. */
  const postItem = (code: string, name: string, fields: object) =>
    post('/items', tokens.admin, {
      code,
      name,
      category: 'test',
      steps: [{ key: 'review', matterCode: `M-${u}` }],
      ...fields,
    });
  const submit = (itemCode = ITEM) =>
    post('/requests', tokens.applicant, {
      itemCode,
      form: {},
      materials: [{ code: 'PLAN', reference: 'file:plan.pdf' }],
    }).expect(201);

  /** The approver pauses the step: the plan is to be supplied again (补正). */
  const askForPlan = (id: string, note: string) =>
    post(`/requests/${id}/steps/review/supplement-requests`, tokens.approver, { materials: ['PLAN'], note }).expect(
      200,
    );

  async function acceptedRequest(acceptBody: object = {}, itemCode = ITEM): Promise<string> {
    const submitted = await submit(itemCode);
    await post(`/requests/${submitted.body.id}/accept`, tokens.clerk, acceptBody).expect(200);
    return submitted.body.id as string;
  }

  it('warning then overdue arrive by themselves, each recorded once in the timeline', async () => {
    const id = await acceptedRequest();
    const first = await stepSla(id);
    expect(first).toMatchObject({ state: 'running', pausedMinutes: 0, remainingWorkingMinutes: 10 });
    const { id: clockId } = await stepClock(id);
    const warningTimer = await timer(`sla-${clockId}-0-warning`);
    expect(await warningTimer.isDelayed()).toBe(true);

    clock.advanceMinutes(8.5);
    expect((await stepSla(id)).state).toBe('warning');
    await fireNow(`sla-${clockId}-0-warning`);
    await eventually(async () => (await audits(id, 'sla.warning')) === 1, 'the warning in the timeline');

    // Recording the warning moved the clock on; its next timer is for the due time.
    const overdueTimer = await timer(`sla-${clockId}-1-overdue`);
    expect(await overdueTimer.isDelayed()).toBe(true);
    clock.advanceMinutes(2);
    await fireNow(`sla-${clockId}-1-overdue`);
    await eventually(async () => (await audits(id, 'sla.overdue')) === 1, 'the overdue in the timeline');
    const overdue = await stepSla(id);
    expect(overdue.state).toBe('overdue');
    expect(overdue.remainingWorkingMinutes).toBeLessThan(0);

    // Approving now stops the clock late: breached. The thresholds stay recorded once.
    const approved = await post(`/requests/${id}/steps/review/approve`, tokens.approver).expect(200);
    expect(approved.body.steps[0].sla.state).toBe('breached');
    expect(approved.body.sla.state).toBe('met');
    expect(await audits(id, 'sla.warning')).toBe(1);
    expect(await audits(id, 'sla.overdue')).toBe(1);
  });

  it('a paused clock does not breach; resuming gives back exactly the time that was left', async () => {
    const id = await acceptedRequest();
    clock.advanceMinutes(3);
    await askForPlan(id, '方案需补充全天候值守安排');
    const paused = await view(id);
    expect(paused.sla?.state).toBe('paused');
    expect(paused.steps[0].sla).toMatchObject({ state: 'paused', remainingWorkingMinutes: 7 });

    clock.advanceMinutes(60);
    await suite.worker.get(SlaTimers).reconcile();
    const later = await stepSla(id);
    expect(later).toMatchObject({ state: 'paused', remainingWorkingMinutes: 7, pausedMinutes: 60 });
    expect(await audits(id, 'sla.overdue')).toBe(0);

    const supplied = await post(`/requests/${id}/supplements`, tokens.applicant, {
      materials: [{ code: 'PLAN', reference: 'file:plan-v2.pdf' }],
    }).expect(200);
    const resumed = supplied.body.steps[0].sla as Sla;
    expect(resumed).toMatchObject({ state: 'running', remainingWorkingMinutes: 7, pausedMinutes: 60 });
    expect(new Date(resumed.dueAt).getTime() - clock.now().getTime()).toBeGreaterThan(6.9 * 60_000);
    expect(new Date(resumed.dueAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(7 * 60_000);
  });

  it('after Redis loses every timer, reconciliation records each threshold once and sets the timers again', async () => {
    const id = await acceptedRequest();
    const { id: clockId } = await stepClock(id);
    await eventually(() => suite.slaQueue.getJob(`sla-${clockId}-0-warning`), 'the first timer');

    // Everything this file's queues hold in Redis is gone, as after a FLUSHALL.
    const redis = createRedis(loadConfig());
    const prefix = process.env.QUEUE_PREFIX!;
    const keys = await scanKeys(redis, `${prefix}:sla:*`);
    // One hash tag, one slot: a single DEL takes them all, on a Redis Cluster too.
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    expect(await suite.slaQueue.getJob(`sla-${clockId}-0-warning`)).toBeUndefined();

    clock.advanceMinutes(8.5);
    const timers = suite.worker.get(SlaTimers);
    await timers.reconcile();
    expect(await audits(id, 'sla.warning')).toBe(1);
    const { generation } = await stepClock(id);
    expect(await suite.slaQueue.getJob(`sla-${clockId}-${generation}-overdue`)).toBeDefined();

    await timers.reconcile();
    expect(await audits(id, 'sla.warning')).toBe(1);

    clock.advanceMinutes(2);
    await timers.reconcile();
    await timers.reconcile();
    expect(await audits(id, 'sla.overdue')).toBe(1);
    expect((await stepSla(id)).state).toBe('overdue');
  });
  it('lists an approver’s tasks oldest due first: a step paused meanwhile comes after one activated later', async () => {
    const first = await acceptedRequest();
    clock.advanceMinutes(1);
    await askForPlan(first, '请补充');
    clock.advanceMinutes(1);
    const second = await acceptedRequest();
    clock.advanceMinutes(4);
    await post(`/requests/${first}/supplements`, tokens.applicant, {
      materials: [{ code: 'PLAN', reference: 'file:plan-v3.pdf' }],
    }).expect(200);
    // first: due 9 minutes after its resume (t+6) = t+15; second: due t+2+10 = t+12.
    const tasks = await http()
      .get('/api/v1/tasks?limit=100')
      .set('Authorization', `Bearer ${tokens.approver}`)
      .expect(200);
    const ids = (tasks.body.items as { requestId: string; sla: Sla }[]).map((t) => t.requestId);
    expect(ids.indexOf(second)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(second)).toBeLessThan(ids.indexOf(first));
    const dues = (tasks.body.items as { sla: Sla }[]).map((t) => new Date(t.sla.dueAt).getTime());
    expect([...dues].sort((a, b) => a - b)).toEqual(dues);
  });

  it('filters requests by the state of their clock', async () => {
    const id = await acceptedRequest();
    const listed = async (state: string) => {
      const res = await http()
        .get(`/api/v1/requests?slaState=${state}&itemCode=${ITEM}&limit=100`)
        .set('Authorization', `Bearer ${tokens.admin}`)
        .expect(200);
      return (res.body.items as { id: string; sla: Sla }[]).some((r) => r.id === id);
    };
    expect(await listed('running')).toBe(true);
    clock.advanceMinutes(17);
    expect(await listed('running')).toBe(false);
    expect(await listed('warning')).toBe(true);
    clock.advanceMinutes(4);
    expect(await listed('overdue')).toBe(true);
    expect(await listed('met')).toBe(false);
    await http().get('/api/v1/requests?slaState=late').set('Authorization', `Bearer ${tokens.admin}`).expect(400);
  });
  it('容缺受理: the outputs wait for a deferred material, which has its own due date', async () => {
    const acceptedAt = clock.now().getTime();
    const id = await acceptedRequest({ deferredMaterials: [{ code: 'PHOTO', dueInWorkingDays: 1 }] });
    const accepted = (await http().get(`/api/v1/requests/${id}`).set('Authorization', `Bearer ${tokens.applicant}`))
      .body as { deferredMaterials: { code: string; dueAt: string; suppliedAt: string | null }[] };
    expect(accepted.deferredMaterials).toHaveLength(1);
    expect(accepted.deferredMaterials[0]).toMatchObject({ code: 'PHOTO', suppliedAt: null });
    // One working day on `always` is 24 hours from acceptance.
    expect(Math.abs(new Date(accepted.deferredMaterials[0].dueAt).getTime() - acceptedAt - 86_400_000)).toBeLessThan(
      5_000,
    );

    const approved = await post(`/requests/${id}/steps/review/approve`, tokens.approver).expect(200);
    expect(approved.body.status).toBe('in_progress');
    expect(approved.body.outputs).toEqual([]);

    const wrong = await post(`/requests/${id}/supplements`, tokens.applicant, {
      materials: [{ code: 'PLAN', reference: 'file:plan-again.pdf' }],
    }).expect(400);
    expect(JSON.stringify(wrong.body.message)).toContain('not deferred or already in');

    const supplied = await post(`/requests/${id}/supplements`, tokens.applicant, {
      materials: [{ code: 'PHOTO', reference: 'file:photo.jpg' }],
    }).expect(200);
    expect(supplied.body.status).toBe('completed');
    expect(supplied.body.outputs).toHaveLength(1);
    expect(supplied.body.outputs[0].issuedAt).toBe(supplied.body.completedAt);
    expect(supplied.body.deferredMaterials[0].suppliedAt).not.toBeNull();
    expect(supplied.body.sla.state).toBe('met');
  });

  it('延期: a manager extends the request clock once, before its due time; the applicant sees it', async () => {
    const id = await acceptedRequest();
    const before = (await view(id)).sla!;
    const extended = await post(`/requests/${id}/extensions`, tokens.manager, {
      workingDays: 2,
      reason: '需现场核查',
    }).expect(200);
    expect(new Date(extended.body.sla.dueAt).getTime() - new Date(before.dueAt).getTime()).toBe(2 * 86_400_000);
    expect(extended.body.extension).toMatchObject({ workingDays: 2, reason: '需现场核查' });
    const seen = await http().get(`/api/v1/requests/${id}`).set('Authorization', `Bearer ${tokens.applicant}`);
    expect(seen.body.extension.workingDays).toBe(2);
    expect(await audits(id, 'request.extended')).toBe(1);

    const again = await post(`/requests/${id}/extensions`, tokens.manager, { workingDays: 1, reason: '再延' }).expect(
      409,
    );
    expect(again.body.message).toContain('once per request');
    await post(`/requests/${id}/extensions`, tokens.approver, { workingDays: 1, reason: 'x' }).expect(403);
    await post(`/requests/${id}/extensions`, tokens.manager, { workingDays: 11, reason: 'x' }).expect(400);

    const late = await acceptedRequest();
    clock.advanceMinutes(25);
    const refused = await post(`/requests/${late}/extensions`, tokens.manager, {
      workingDays: 1,
      reason: '迟了',
    }).expect(409);
    expect(refused.body.message).toContain('past its due time');
  });

  it('特别程序: the step and request clocks stop until its end, and count on from the end by themselves', async () => {
    const id = await acceptedRequest();
    clock.advanceMinutes(2);
    const endsAt = new Date(clock.now().getTime() + 30 * 60_000).toISOString();
    const started = await post(`/requests/${id}/steps/review/special-procedures`, tokens.approver, {
      reason: '组织专家评审',
      endsAt,
    }).expect(200);
    expect(started.body.steps[0].sla).toMatchObject({ state: 'paused', remainingWorkingMinutes: 8 });
    expect(started.body.sla.state).toBe('paused');
    expect(started.body.specialProcedures[0]).toMatchObject({
      stepKey: 'review',
      reason: '组织专家评审',
      endedAt: null,
    });
    await post(`/requests/${id}/steps/review/special-procedures`, tokens.approver, {
      reason: '又一个',
      endsAt,
    }).expect(409);

    clock.advanceMinutes(45);
    await suite.worker.get(SlaTimers).reconcile();
    const after = await view(id);
    expect(after.steps[0].sla).toMatchObject({ state: 'overdue' });
    // Resumed at the procedure's end (30 minutes after its start) with 8 minutes left: due 38 minutes
    // after the start, so 7 minutes overdue at 45.
    expect(after.steps[0].sla!.remainingWorkingMinutes).toBe(-7);
    expect(after.steps[0].sla!.pausedMinutes).toBe(30);
    expect(await audits(id, 'step.special-procedure-ended')).toBe(1);
    await suite.worker.get(SlaTimers).reconcile();
    expect(await audits(id, 'step.special-procedure-ended')).toBe(1);
  });

  it("warns at the item's own share of the limit", async () => {
    const code = `SLA-W-${u}`;
    const draft = await postItem(code, '半程预警', {
      calendarCode: 'always',
      promisedLimit: { value: 20, unit: 'workingMinutes' },
      warnShare: 0.5,
      intakeLimit: { value: 30, unit: 'workingMinutes' },
    }).expect(201);
    expect(draft.body.warnShare).toBe(0.5);
    expect(draft.body.intakeLimit).toEqual({ value: 30, unit: 'workingMinutes' });
    await post(`/items/${code}/versions/1/publish`, tokens.admin).expect(200);
    // The item's own intake limit: 30 minutes, warned at half.
    const submitted = await submit(code);
    const intake = submitted.body.sla as Sla;
    expect(new Date(intake.dueAt).getTime() - Date.parse(submitted.body.submittedAt)).toBe(30 * 60_000);
    expect(new Date(intake.dueAt).getTime() - new Date(intake.warnAt).getTime()).toBe(15 * 60_000);
    const id = await acceptedRequest({}, code);
    const sla = (await view(id)).sla!;
    expect(new Date(sla.dueAt).getTime() - new Date(sla.warnAt).getTime()).toBe(10 * 60_000);
    await postItem(`SLA-X-${u}`, 'x', {
      promisedLimit: { value: 20, unit: 'workingMinutes' },
      warnShare: 1.5,
    }).expect(400);
  });
  it('行政许可法 Art. 32: a request left undecided past the intake limit is deemed accepted, once', async () => {
    const submitted = await submit();
    const id = submitted.body.id as string;
    expect(submitted.body.sla.state).toBe('running');
    expect(await deemAccepted(suite.app, id)).toBe(false);

    // Five working days on `always` are five times 24 hours.
    clock.advanceMinutes(5 * 24 * 60 + 1);
    await suite.worker.get(SlaTimers).reconcile();
    // The intake clock's overdue, once. (Once deemed accepted, the request clock, counted from the
    // receipt, is overdue in turn; the worker may already have done that: it is not this count's.)
    const intakeOverdue = async () =>
      (
        await suite.db
          .getRepository(AuditEvent)
          .findBy({ subjectType: 'request', subjectId: id, action: 'sla.overdue' })
      ).filter((e) => (e.payload as { clock?: string } | null)?.clock === 'intake').length;
    expect(await intakeOverdue()).toBe(1);
    // What the worker does with the intake clock's overdue event, here without waiting behind the
    // events other test files left for the relay; twice, as an event may arrive twice. The worker
    // may still be first: reconcile() also sets a timer for every open clock in the database (other
    // files' too), and meanwhile the relay can bring it this clock's event. Either way, only once.
    const outcomes = [await deemAccepted(suite.app, id), await deemAccepted(suite.app, id)];
    expect(outcomes[1]).toBe(false);
    expect(outcomes.filter(Boolean).length).toBeLessThanOrEqual(1);
    const deemed = await view(id);
    expect(deemed.steps[0].sla?.state).toBe('running');
    // Accepted from the receipt of the materials: the 20 minutes promised ran out while the hall let it lie.
    expect(deemed.sla?.state).toBe('overdue');
    expect(await intakeOverdue()).toBe(1);
    const accepted = await suite.db
      .getRepository(AuditEvent)
      .findBy({ subjectType: 'request', subjectId: id, action: 'request.accepted' });
    expect(accepted).toHaveLength(1);
    expect(accepted[0].actorId).toBeNull();
    expect(accepted[0].payload).toMatchObject({ deemed: true });
    const row = (await suite.db.query('SELECT status FROM service_requests WHERE id = ?', [id])) as {
      status: string;
    }[];
    expect(row[0].status).toBe('in_progress');
  });

  // Last in this file: it moves the shared clock years ahead, to a week no other run uses.
  it('a day an admin makes a holiday moves the running clocks on that calendar; time counted stays counted', async () => {
    const code = `SLA-Z-${u}`;
    const draft = await postItem(code, '工作日历上的一件事', {
      calendarCode: 'zone',
      promisedLimit: { value: 600, unit: 'workingMinutes' },
    }).expect(201);
    await post(`/items/${code}/versions/${draft.body.version}/publish`, tokens.admin).expect(200);

    const year = 2091 + (Date.now() % 7);
    const monday = [...Array(7).keys()]
      .map((i) => new Date(Date.UTC(year, 2, 2 + i)))
      .find((d) => d.getUTCDay() === 1)!;
    const day = (offset: number) => new Date(monday.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const put = (date: string, body: object) =>
      http().put(`/api/v1/calendars/zone/days/${date}`).set('Authorization', `Bearer ${tokens.admin}`).send(body);
    await put(day(1), { working: true, name: `基准-${u}` }).expect(200);
    await put(day(2), { working: true, name: `基准-${u}` }).expect(200);
    clock.offsetMs += new Date(`${day(0)}T10:00:00+08:00`).getTime() - clock.now().getTime();

    const id = await acceptedRequest({}, code);
    // 600 working minutes from Monday 10:00: Monday 360, Tuesday 09:00-12:00 and 13:00-14:00.
    // To the minute: the stepping clock runs on with real time, so acceptance was a few ms after 10:00.
    expect((await view(id)).sla!.dueAt.slice(0, 16)).toBe(`${day(1)}T14:00`);

    clock.advanceMinutes(60);
    await put(day(1), { working: false, name: `临时停办-${u}` }).expect(200);
    // What the worker does with the edit's event, here without waiting behind the events other test
    // files left for the relay; twice, as an event may arrive twice: the clock moves once.
    const [{ revision }] = (await suite.db.query("SELECT revision FROM calendars WHERE code = 'zone'")) as {
      revision: string;
    }[];
    const sla = suite.worker.get(SlaService);
    for (let i = 0; i < 2; i++) {
      await sla.recalendar('zone', day(1), { working: true, name: `基准-${u}` }, Number(revision));
    }
    expect((await view(id)).sla!.dueAt.slice(0, 16)).toBe(`${day(2)}T14:00`);
    await put(day(1), { working: true, name: `恢复-${u}` }).expect(200);
  });
});
