import { AuditEvent } from '#database';
import { SlaTimers } from '../apps/worker/src/sla-timers.js';
import { appAndWorkerWithWorld, type Sla, SteppingClock } from './fixtures/clock.js';
import { deemAccepted } from './fixtures/services.js';
import { apiOf, messageText, minuteReview, randomUscc } from './fixtures/world.js';
import { unique } from './helpers.js';

interface TimelineEvent {
  action: string;
  occurredAt: string;
  payload: Record<string, unknown> | null;
}

interface View {
  number: string;
  status: string;
  submittedAt: string;
  acceptedAt: string | null;
  sla: (Sla & { legalDueAt?: string }) | null;
  steps: { key: string; status: string; sla: (Sla & { legalDueAt?: string }) | null }[];
}

const MINUTE = 60_000;
const minutes = (value: number) => ({ value, unit: 'workingMinutes' });

/** The world of one describe: an applicant, a clerk, an approver, on the matter of minuteReview. */
function worldOf(prefix: string, clock: SteppingClock) {
  const u = unique().toUpperCase();
  const company = randomUscc();
  const suite = appAndWorkerWithWorld(clock, {
    departments: [{ code: `${prefix}-D-${u}`, name: '受理时限测试部门' }],
    halls: [{ code: `${prefix}-H-${u}`, name: '受理时限测试大厅', level: 'centre' }],
    ...minuteReview({ item: `${prefix}-${u}`, matter: `${prefix}-M-${u}`, departmentCode: `${prefix}-D-${u}` }, [
      { code: 'A', name: '申请书', required: true, key: true },
      { code: 'B', name: '营业执照', required: true, key: true },
      { code: 'C', name: '现场照片', required: false, key: false },
    ]),
    companies: [{ uscc: company, name: '受理时限测试公司' }],
    users: {
      applicant: { role: 'applicant', companyUscc: company },
      clerk: { role: 'clerk', hallCode: `${prefix}-H-${u}` },
      approver: { role: 'approver', departmentCode: `${prefix}-D-${u}` },
    },
    username: (key) => `${prefix.toLowerCase()}-${key}-${u}`,
  });
  const { tokens } = suite;
  const { get, post } = apiOf(() => suite.app);
  const view = async (id: string) => (await get(`/requests/${id}`, tokens.admin).expect(200)).body as View;
  const timeline = async (id: string) =>
    (await get(`/requests/${id}/timeline`, tokens.admin).expect(200)).body.items as TimelineEvent[];
  /** The request clock's row: where it counts from and the time it leaves out. */
  const requestClock = async (id: string) => {
    const rows = (await suite.db.query(
      "SELECT started_at, paused_ms FROM sla_clocks WHERE request_id = ? AND kind = 'request'",
      [id],
    )) as { started_at: Date; paused_ms: string | number }[];
    expect(rows).toHaveLength(1);
    return { startedAt: rows[0].started_at, pausedMs: Number(rows[0].paused_ms) };
  };
  /** A published item on this world's matter with its own calendar and limits, as the admin makes it. */
  const publishItem = async (code: string, fields: object) => {
    const draft = await post('/items', tokens.admin, {
      code,
      name: `受理时限-${code}`,
      category: 'test',
      steps: [{ key: 'review', matterCode: `${prefix}-M-${u}` }],
      ...fields,
    }).expect(201);
    await post(`/items/${code}/versions/${draft.body.version}/publish`, tokens.admin).expect(200);
  };
  const submit = async (itemCode: string, materials = ['A', 'B']) =>
    (
      await post('/requests', tokens.applicant, {
        itemCode,
        form: {},
        materials: materials.map((code) => ({ code, reference: `file:${code}.pdf` })),
      }).expect(201)
    ).body as View & { id: string };
  return { suite, tokens, u, get, post, view, timeline, requestClock, publishItem, submit };
}

/**
 * 行政许可法 Art. 32 on `always`, with minute limits: deemed acceptance counts from the receipt of the
 * materials, and a supplement asked at intake pauses the intake clock (一次性告知).
 */
describe('intake time on `always`: deemed acceptance from receipt, supplements at intake', () => {
  const clock = new SteppingClock();
  const w = worldOf('IT', clock);
  const { tokens, post, view, timeline, requestClock, submit } = w;
  const item = () => `IT-30-${w.u}`;

  beforeAll(async () => {
    // Intake within 30 minutes; the request promised in 20; the step in 10 (30 by law).
    await w.publishItem(item(), { calendarCode: 'always', intakeLimit: minutes(30), promisedLimit: minutes(20) });
  });

  it('deemed accepted: the request clock counts from the submission, the step’s from the deemed acceptance', async () => {
    const submitted = await submit(item());
    const receivedAt = Date.parse(submitted.submittedAt);
    clock.advanceMinutes(31);
    // What the worker does with the intake clock's overdue event; it may have been first.
    const outcomes = [await deemAccepted(w.suite.app, submitted.id), await deemAccepted(w.suite.app, submitted.id)];
    expect(outcomes[1]).toBe(false);

    const deemed = await view(submitted.id);
    expect(deemed.status).toBe('in_progress');
    const acceptedAt = Date.parse(deemed.acceptedAt!);
    expect(acceptedAt - receivedAt).toBeGreaterThanOrEqual(30 * MINUTE);
    // The request clock started at the receipt: 20 minutes from it, passed while the hall let it lie.
    expect(await requestClock(submitted.id)).toEqual({ startedAt: new Date(receivedAt), pausedMs: 0 });
    expect(Date.parse(deemed.sla!.dueAt)).toBe(receivedAt + 20 * MINUTE);
    expect(deemed.sla!.state).toBe('overdue');
    expect(deemed.sla!.remainingWorkingMinutes).toBeLessThanOrEqual(-10);
    // The step's clock starts at the deemed acceptance: 10 minutes promised, 30 by law, from then.
    const step = deemed.steps[0];
    expect(step.status).toBe('active');
    expect(step.sla).toMatchObject({ state: 'running' });
    expect(Date.parse(step.sla!.dueAt)).toBe(acceptedAt + 10 * MINUTE);
    expect(Date.parse(step.sla!.legalDueAt!)).toBe(acceptedAt + 30 * MINUTE);

    // The timeline shows the receipt and the deemed acceptance, which names the receipt it counts from.
    const events = await timeline(submitted.id);
    const received = events.find((e) => e.action === 'request.submitted')!;
    expect(Date.parse(received.occurredAt)).toBe(receivedAt);
    const accepted = events.filter((e) => e.action === 'request.accepted');
    expect(accepted).toHaveLength(1);
    expect(Math.abs(Date.parse(accepted[0].occurredAt) - acceptedAt)).toBeLessThan(1000);
    expect(accepted[0].payload).toMatchObject({
      deemed: true,
      receivedAt: submitted.submittedAt,
      waitedForSupplementMinutes: 0,
    });
  });

  it('a supplement asked at intake pauses the intake clock; the answer resumes it with the time it had left', async () => {
    const submitted = await submit(item());
    const receivedAt = Date.parse(submitted.submittedAt);
    clock.advanceMinutes(10);
    const asked = await post(`/requests/${submitted.id}/supplement-requests`, tokens.clerk, {
      materials: ['A'],
      note: '申请书未签字',
    }).expect(200);
    expect(asked.body.sla).toMatchObject({ state: 'paused', remainingWorkingMinutes: 20 });

    // An hour waiting for the applicant: nothing of it counts, no overdue is recorded.
    clock.advanceMinutes(60);
    await w.suite.worker.get(SlaTimers).reconcile();
    expect((await view(submitted.id)).sla).toMatchObject({
      state: 'paused',
      remainingWorkingMinutes: 20,
      pausedMinutes: 60,
    });
    expect(await w.suite.db.getRepository(AuditEvent).countBy({ subjectId: submitted.id, action: 'sla.overdue' })).toBe(
      0,
    );
    const intakeClocks = (await w.suite.db.query(
      "SELECT stopped_at FROM sla_clocks WHERE request_id = ? AND kind = 'intake'",
      [submitted.id],
    )) as { stopped_at: Date | null }[];
    expect(intakeClocks).toEqual([{ stopped_at: null }]);

    const supplied = await post(`/requests/${submitted.id}/supplements`, tokens.applicant, {
      materials: [{ code: 'A', reference: 'file:A-v2.pdf' }],
    }).expect(200);
    expect(supplied.body.status).toBe('submitted');
    const resumed = supplied.body.sla as Sla;
    expect(resumed).toMatchObject({ state: 'running', remainingWorkingMinutes: 20, pausedMinutes: 60 });
    const left = Date.parse(resumed.dueAt) - clock.now().getTime();
    expect(left).toBeGreaterThan(19.9 * MINUTE);
    expect(left).toBeLessThanOrEqual(20 * MINUTE);

    // Deemed accepted when the 20 minutes left have run out: the request clock counts from the
    // receipt, the hour waited for the applicant left out.
    clock.advanceMinutes(21);
    await deemAccepted(w.suite.app, submitted.id);
    const deemed = await view(submitted.id);
    expect(deemed.status).toBe('in_progress');
    const started = await requestClock(submitted.id);
    expect(started.startedAt).toEqual(new Date(receivedAt));
    // The hour, and the few milliseconds the test took to answer.
    expect(started.pausedMs).toBeGreaterThanOrEqual(60 * MINUTE);
    expect(started.pausedMs).toBeLessThan(60.1 * MINUTE);
    expect(Date.parse(deemed.sla!.dueAt)).toBe(receivedAt + 20 * MINUTE + started.pausedMs);
    expect(deemed.sla).toMatchObject({ state: 'overdue', pausedMinutes: 60 });
    const accepted = (await timeline(submitted.id)).find((e) => e.action === 'request.accepted')!;
    expect(accepted.payload).toMatchObject({
      deemed: true,
      receivedAt: submitted.submittedAt,
      waitedForSupplementMinutes: 60,
    });
  });

  describe('一次性告知: asked again at intake, only what the answer handed in', () => {
    const ask = (id: string, materials: string[]) =>
      post(`/requests/${id}/supplement-requests`, tokens.clerk, { materials, note: '请补正' });
    const supply = (id: string, codes: string[]) =>
      post(`/requests/${id}/supplements`, tokens.applicant, {
        materials: codes.map((code) => ({ code, reference: `file:${code}-v2.pdf` })),
      }).expect(200);
    const asked = async (id: string) =>
      w.suite.db.getRepository(AuditEvent).countBy({ subjectId: id, action: 'request.supplement-requested' });

    it('a material not named the first time, and not handed in with the answer, is refused naming it', async () => {
      const { id, number } = await submit(`IT-${w.u}`);
      await ask(id, ['A']).expect(200);
      await supply(id, ['A']);

      const refused = await ask(id, ['B', 'A']).set('Accept-Language', 'en').expect(409);
      expect(messageText(refused.body)).toBe(
        `request ${number} was told at intake what to supplement (一次性告知): cannot ask now for B, not handed in with the answer (may be asked to correct: A)`,
      );
      const zh = await ask(id, ['C']).set('Accept-Language', 'zh-CN').expect(409);
      expect(messageText(zh.body)).toContain('不能再要求补正 C');
      // Nothing changed: still at intake, asked once.
      expect((await view(id)).status).toBe('submitted');
      expect(await asked(id)).toBe(1);
    });

    it('a material handed in with the answer may be asked for again, to correct it; only from the last answer', async () => {
      const { id } = await submit(`IT-${w.u}`);
      await ask(id, ['A']).expect(200);
      // The answer brings A, and C unasked.
      await supply(id, ['A', 'C']);

      // C was not named the first time, but came with the answer: it may be corrected.
      const again = await ask(id, ['C']).expect(200);
      expect(again.body).toMatchObject({
        status: 'supplement_required',
        supplement: { stage: 'intake', materials: ['C'] },
      });
      await supply(id, ['C']);

      // A came with the first answer and was examined when C was asked for: not again.
      const refused = await ask(id, ['A']).set('Accept-Language', 'en').expect(409);
      expect(messageText(refused.body)).toContain(
        'cannot ask now for A, not handed in with the answer (may be asked to correct: C)',
      );
      await ask(id, ['C']).expect(200);
      expect(await asked(id)).toBe(3);
    });
  });
});

/**
 * 行政许可法 Art. 32 on the `zone` calendar over the 2026 National Day week (10/1-10/7 off, Saturday
 * 10/10 worked): submitted on Wednesday 9/30 at 16:00, one working day to decide intake, three promised.
 */
describe('deemed acceptance on `zone` across the 2026 National Day week', () => {
  const clock = new SteppingClock();
  clock.offsetMs = Date.parse('2026-09-30T16:00:00+08:00') - Date.now();
  const w = worldOf('IZ', clock);
  const { view, timeline, requestClock, submit } = w;

  it('counts the request clock from the receipt, holidays left out', async () => {
    const item = `IZ-W-${w.u}`;
    await w.publishItem(item, {
      calendarCode: 'zone',
      intakeLimit: { value: 1, unit: 'workingDays' },
      promisedLimit: { value: 3, unit: 'workingDays' },
    });
    clock.offsetMs = Date.parse('2026-09-30T16:00:00+08:00') - Date.now();
    const submitted = await submit(item);
    const receivedAt = Date.parse(submitted.submittedAt);
    // Intake is due at the close of the next working day: Thursday 10/8, after the holiday.
    expect(Date.parse(submitted.sla!.dueAt)).toBe(Date.parse('2026-10-08T17:00:00+08:00'));

    // Friday 10/9, 10:00: nobody decided; deemed accepted now.
    clock.offsetMs = Date.parse('2026-10-09T10:00:00+08:00') - Date.now();
    await deemAccepted(w.suite.app, submitted.id);
    const deemed = await view(submitted.id);
    expect(deemed.status).toBe('in_progress');

    // The request clock started at the receipt: three working days from Wednesday 16:00 end at the
    // close of Saturday 10/10 (10/8, 10/9, 10/10), not of Tuesday 10/13 as counted from the acceptance.
    expect(await requestClock(submitted.id)).toEqual({ startedAt: new Date(receivedAt), pausedMs: 0 });
    expect(Date.parse(deemed.sla!.dueAt)).toBe(Date.parse('2026-10-10T17:00:00+08:00'));
    // Counted so far: 9/30 16-17 (60), 10/8 (420), 10/9 9-10 (60) = 540 of 1320; 780 left.
    expect(deemed.sla).toMatchObject({ state: 'running', pausedMinutes: 0 });
    expect(deemed.sla!.remainingWorkingMinutes).toBe(780);

    // The step's clock starts at the deemed acceptance: 10 working minutes, 30 by law.
    const acceptedAt = Date.parse(deemed.acceptedAt!);
    expect(acceptedAt).toBeGreaterThanOrEqual(Date.parse('2026-10-09T10:00:00+08:00'));
    expect(Date.parse(deemed.steps[0].sla!.dueAt)).toBe(acceptedAt + 10 * MINUTE);
    expect(Date.parse(deemed.steps[0].sla!.legalDueAt!)).toBe(acceptedAt + 30 * MINUTE);

    const events = await timeline(submitted.id);
    expect(Date.parse(events.find((e) => e.action === 'request.submitted')!.occurredAt)).toBe(receivedAt);
    const accepted = events.find((e) => e.action === 'request.accepted')!;
    expect(Math.abs(Date.parse(accepted.occurredAt) - acceptedAt)).toBeLessThan(1000);
    expect(accepted.payload).toMatchObject({
      deemed: true,
      receivedAt: submitted.submittedAt,
      intakeDueAt: '2026-10-08T17:00:00.000+08:00',
    });
  });
});
