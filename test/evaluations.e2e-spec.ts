import { AuditEvent } from '#database';
import { SlaTimers } from '../apps/worker/src/sla-timers.js';
import { appAndWorkerWithWorld, type Sla, SteppingClock } from './fixtures/clock.js';
import { deemAccepted } from './fixtures/services.js';
import { apiOf, minuteReview, messageText, usccOf } from './fixtures/world.js';
import { eventually, unique } from './helpers.js';

interface FollowUp {
  id: string;
  status: string;
  hallCode: string | null;
  openedAt: string;
  verifiedAt: string | null;
  verifyNote: string | null;
  rectifiedAt: string | null;
  rectifyNote: string | null;
  closedAt: string | null;
  feedback: string | null;
  sla: Sla | null;
}

interface FollowUpItem extends FollowUp {
  requestId: string;
  requestNumber: string;
  score: number;
}

interface Evaluation {
  score: number;
  comment: string | null;
  evaluatedAt: string;
  followUp: FollowUp | null;
}

interface TimelineEvent {
  action: string;
  statusFrom: string | null;
  statusTo: string | null;
  actor: { id: string; username: string | null; role: string } | null;
  payload: Record<string, unknown> | null;
}

const DAY_MINUTES = 24 * 60;

describe('好差评: evaluations and their follow-ups (整改)', () => {
  const u = unique().toUpperCase();
  const ITEM = `EVAL-${u}`;
  const HALL = `EH-${u}`;
  const OTHER_HALL = `EH2-${u}`;
  const companyA = usccOf('91320581');
  const companyB = usccOf('91320582');
  const clock = new SteppingClock();
  const suite = appAndWorkerWithWorld(clock, {
    departments: [{ code: `ED-${u}`, name: '评价测试部门' }],
    halls: [
      { code: HALL, name: '评价测试大厅', level: 'centre' },
      { code: OTHER_HALL, name: '另一大厅', level: 'centre' },
    ],
    ...minuteReview({ item: ITEM, matter: `EM-${u}`, departmentCode: `ED-${u}` }, [
      { code: 'PLAN', name: '方案', required: true, key: true },
    ]),
    companies: [
      { uscc: companyA, name: '评价甲公司' },
      { uscc: companyB, name: '评价乙公司' },
    ],
    users: {
      applicantA: { role: 'applicant', companyUscc: companyA },
      applicantB: { role: 'applicant', companyUscc: companyB },
      clerk: { role: 'clerk', hallCode: HALL },
      approver: { role: 'approver', departmentCode: `ED-${u}` },
      manager: { role: 'manager', hallCode: HALL },
      otherManager: { role: 'manager', hallCode: OTHER_HALL },
      zoneManager: { role: 'manager' },
    },
    username: (key) => `ev-${key}-${u}`,
  });
  const { tokens } = suite;
  let unattended: string;

  const { http, post, get } = apiOf(() => suite.app);
  const evaluate = (id: string, body: object, token = tokens.applicantA, key?: string) =>
    post(`/requests/${id}/evaluation`, token, body, key);
  const act = (id: string, action: 'verify' | 'rectify' | 'feedback', token = tokens.manager, key?: string) =>
    post(
      `/requests/${id}/follow-up/${action}`,
      token,
      action === 'feedback' ? { message: `反馈-${action}-${id}` } : { note: `${action} 说明 ${id}` },
      key,
    );
  const requestView = async (id: string, token = tokens.admin) =>
    (await get(`/requests/${id}`, token).expect(200)).body as { status: string; evaluation: Evaluation | null };
  const timeline = async (id: string) =>
    (await get(`/requests/${id}/timeline?limit=100`, tokens.admin).expect(200)).body.items as TimelineEvent[];
  /** Every page: the database is shared, and a zone-wide manager sees earlier runs' open follow-ups too. */
  const followUps = async (token: string, query = '') => {
    const all: FollowUpItem[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(`/follow-ups?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`, token).expect(200))
        .body as { items: FollowUpItem[]; nextCursor: string | null };
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return all;
  };
  const inbox = async (token: string) =>
    (await get('/notifications?limit=100', token).set('Accept-Language', 'zh-CN').expect(200)).body.items as {
      kind: string;
      message: string;
    }[];
  const audits = (id: string, action: string) =>
    suite.db.getRepository(AuditEvent).countBy({ subjectType: 'request', subjectId: id, action });
  const rows = async (table: 'evaluations' | 'follow_ups', id: string) =>
    Number(
      (
        (await suite.db.query(`SELECT COUNT(*) AS n FROM ${table} WHERE request_id = ?`, [id])) as {
          n: string | number;
        }[]
      )[0].n,
    );

  async function submitted(token = tokens.applicantA): Promise<string> {
    const res = await post('/requests', token, {
      itemCode: ITEM,
      form: {},
      materials: [{ code: 'PLAN', reference: 'file:plan.pdf' }],
    }).expect(201);
    return res.body.id as string;
  }
  async function accepted(token = tokens.applicantA, clerk = tokens.clerk): Promise<string> {
    const id = await submitted(token);
    await post(`/requests/${id}/accept`, clerk).expect(200);
    return id;
  }
  async function completed(token = tokens.applicantA, clerk = tokens.clerk): Promise<string> {
    const id = await accepted(token, clerk);
    const res = await post(`/requests/${id}/steps/review/approve`, tokens.approver).expect(200);
    expect(res.body.status).toBe('completed');
    return id;
  }
  async function denied(): Promise<string> {
    const id = await accepted();
    const res = await post(`/requests/${id}/steps/review/deny`, tokens.approver, { reason: '不符合条件' }).expect(200);
    expect(res.body.status).toBe('denied');
    return id;
  }
  async function refused(): Promise<string> {
    const id = await submitted();
    const res = await post(`/requests/${id}/refuse`, tokens.clerk, { reason: '不属于本中心受理范围' }).expect(200);
    expect(res.body.status).toBe('refused');
    return id;
  }
  /** A completed request of the hall rated 1: its follow-up is open. */
  async function withFollowUp(score = 1): Promise<string> {
    const id = await completed();
    const res = await evaluate(id, { score, comment: '等候时间太长' }).expect(201);
    expect(res.body.followUp.status).toBe('open');
    return id;
  }

  beforeAll(async () => {
    // Left undecided: deemed accepted by the system (行政许可法 Art. 32) once the clock has moved days ahead.
    unattended = await submitted();
  });

  it('describes its routes in the OpenAPI document, and the evaluation on the request', async () => {
    const doc = (await http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, { properties: Record<string, { enum?: unknown[] }> }> };
    };
    expect(Object.keys(doc.paths['/api/v1/requests/{id}/evaluation'].post.responses)).toEqual(
      expect.arrayContaining(['201', '400', '401', '403', '404', '409']),
    );
    for (const action of ['verify', 'rectify', 'feedback']) {
      expect(Object.keys(doc.paths[`/api/v1/requests/{id}/follow-up/${action}`].post.responses)).toEqual(
        expect.arrayContaining(['200', '400', '403', '404', '409']),
      );
    }
    expect(doc.paths['/api/v1/follow-ups'].get).toBeDefined();
    expect(doc.components.schemas.EvaluateDto.properties.score.enum).toEqual([1, 2, 3, 4, 5]);
    expect(doc.components.schemas.RequestDto.properties.evaluation).toBeDefined();
  });

  describe('rating', () => {
    it('rates a completed, a denied and a refused request once each, shown on the request to whoever sees it', async () => {
      const cases: [string, string, number][] = [
        [await completed(), 'completed', 5],
        [await denied(), 'denied', 3],
        [await refused(), 'refused', 4],
      ];
      for (const [id, status, score] of cases) {
        const res = await evaluate(id, { score, comment: `${status} 的评价` }).expect(201);
        expect(res.body).toEqual({
          score,
          comment: `${status} 的评价`,
          evaluatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/),
          followUp: null,
        });
        const seen = await requestView(id, tokens.applicantA);
        expect(seen.status).toBe(status);
        expect(seen.evaluation).toEqual(res.body);
        expect((await requestView(id, tokens.clerk)).evaluation).toEqual(res.body);
        const events = (await timeline(id)).filter((e) => e.action === 'request.evaluated');
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({
          payload: { score, comment: `${status} 的评价` },
          actor: { role: 'applicant', username: `ev-applicanta-${u}`.toLowerCase() },
        });
        expect(await rows('follow_ups', id)).toBe(0);
      }
      const stored = (await suite.db.query(
        'SELECT company_uscc, hall_code, item_code, score FROM evaluations WHERE request_id = ?',
        [cases[0][0]],
      )) as { company_uscc: string; hall_code: string | null; item_code: string; score: number }[];
      expect(stored).toEqual([{ company_uscc: companyA, hall_code: HALL, item_code: ITEM, score: 5 }]);
    });

    it('a comment is optional; a request not rated yet shows evaluation null', async () => {
      const id = await completed();
      expect((await requestView(id)).evaluation).toBeNull();
      const res = await evaluate(id, { score: 4 }).expect(201);
      expect(res.body).toMatchObject({ score: 4, comment: null, followUp: null });
    });

    it('refuses to rate a request before it ends, or one withdrawn: 409 naming its state, nothing written', async () => {
      const waiting = await submitted();
      const working = await accepted();
      const withdrawn = await submitted();
      await post(`/requests/${withdrawn}/withdraw`, tokens.applicantA).expect(200);
      for (const [id, state] of [
        [waiting, 'submitted'],
        [working, 'in_progress'],
        [withdrawn, 'withdrawn'],
      ]) {
        const res = await evaluate(id, { score: 1, comment: '还没办完' }).expect(409);
        expect(res.body.state).toBe(state);
        expect(messageText(res.body)).toContain(`is ${state}`);
        expect(await rows('evaluations', id)).toBe(0);
        expect(await audits(id, 'request.evaluated')).toBe(0);
      }
    });

    it('rates once: a second evaluation is a 409 and the first stands', async () => {
      const id = await completed();
      await evaluate(id, { score: 5 }).expect(201);
      const again = await evaluate(id, { score: 1, comment: '改主意了' }).expect(409);
      expect(again.body.state).toBe('evaluated');
      expect(messageText(again.body)).toContain('once per request');
      expect((await requestView(id)).evaluation).toMatchObject({ score: 5, followUp: null });
      expect(await audits(id, 'request.evaluated')).toBe(1);
      expect(await rows('follow_ups', id)).toBe(0);
    });

    it('another company’s request, or none, is not found; other roles may not rate', async () => {
      const id = await completed();
      const theirs = await evaluate(id, { score: 1 }, tokens.applicantB).expect(404);
      expect(messageText(theirs.body)).toContain('not found');
      await evaluate('999999999999', { score: 1 }).expect(404);
      await evaluate('abc', { score: 1 }).expect(400);
      await evaluate(id, { score: 1 }, tokens.clerk).expect(403);
      await evaluate(id, { score: 1 }, tokens.manager).expect(403);
      await evaluate(id, { score: 1 }, tokens.admin).expect(403);
      expect(await rows('evaluations', id)).toBe(0);
    });

    it('a score that is not an integer from 1 to 5, or a comment over 500 characters, is a 400 naming the field', async () => {
      const id = await completed();
      for (const body of [
        { score: 0 },
        { score: 6 },
        { score: 2.5 },
        { score: '5' },
        { score: true },
        { score: null },
        {},
        { comment: '没有分数' },
      ]) {
        const res = await evaluate(id, body).expect(400);
        expect(messageText(res.body)).toContain('score must be an integer from 1 to 5');
      }
      const long = await evaluate(id, { score: 3, comment: '长'.repeat(501) }).expect(400);
      expect(messageText(long.body)).toContain('comment must be shorter than or equal to 500 characters');
      const empty = await evaluate(id, { score: 3, comment: '' }).expect(400);
      expect(messageText(empty.body)).toContain('comment');
      const unknown = await evaluate(id, { score: 3, stars: 5 }).expect(400);
      expect(messageText(unknown.body)).toContain('property stars should not exist');
      expect(await rows('evaluations', id)).toBe(0);

      // 500 characters as MySQL counts them (code points), four bytes each, fit the column.
      const emoji = '😀'.repeat(500);
      const res = await evaluate(id, { score: 3, comment: emoji }).expect(201);
      expect(res.body.comment).toBe(emoji);
    });

    it('an Idempotency-Key replays the first answer and rates once; the key reused for another rating is a 422', async () => {
      const id = await completed();
      const first = await evaluate(id, { score: 2, comment: '一般' }, tokens.applicantA, `ev-${id}`).expect(201);
      const replay = await evaluate(id, { score: 2, comment: '一般' }, tokens.applicantA, `ev-${id}`).expect(201);
      expect(replay.body).toEqual(first.body);
      expect(first.body.followUp.status).toBe('open');
      expect(await rows('evaluations', id)).toBe(1);
      expect(await rows('follow_ups', id)).toBe(1);
      expect(await audits(id, 'request.evaluated')).toBe(1);
      expect(await audits(id, 'follow-up.opened')).toBe(1);
      await evaluate(id, { score: 5 }, tokens.applicantA, `ev-${id}`).expect(422);

      const verified = await act(id, 'verify', tokens.manager, `verify-${id}`).expect(200);
      const again = await act(id, 'verify', tokens.manager, `verify-${id}`).expect(200);
      expect(again.body).toEqual(verified.body);
      expect(await audits(id, 'follow-up.verified')).toBe(1);
      // Without the key a second verification is out of order.
      expect((await act(id, 'verify').expect(409)).body.state).toBe('verified');
    });
  });

  describe('follow-ups (整改)', () => {
    it('a 1 opens a follow-up for the hall’s managers, with its own clock of 5 working days; another hall’s managers neither see nor hear of it', async () => {
      const id = await completed();
      const res = await evaluate(id, { score: 1, comment: '窗口态度差' }).expect(201);
      const followUp = res.body.followUp as FollowUp;
      expect(followUp).toMatchObject({
        status: 'open',
        hallCode: HALL,
        verifiedAt: null,
        rectifiedAt: null,
        closedAt: null,
        feedback: null,
        sla: { state: 'running', pausedMinutes: 0 },
      });
      // 5 working days (FOLLOW_UP_LIMIT_WORKING_DAYS' default) on the request's calendar, `always`: 5 × 24 h.
      expect(Date.parse(followUp.sla!.dueAt) - Date.parse(followUp.openedAt)).toBe(5 * DAY_MINUTES * 60_000);
      expect(Date.parse(followUp.sla!.warnAt) - Date.parse(followUp.openedAt)).toBe(4 * DAY_MINUTES * 60_000);
      const request = await requestView(id, tokens.applicantA);
      expect(request.evaluation).toEqual(res.body);
      // The request's own clock is untouched: it was met at completion.
      expect(((await get(`/requests/${id}`, tokens.admin)).body.sla as Sla).state).toBe('met');

      const opened = (await timeline(id)).filter((e) => e.action === 'follow-up.opened');
      expect(opened).toEqual([
        expect.objectContaining({ statusFrom: null, statusTo: 'open', payload: expect.objectContaining({ score: 1 }) }),
      ]);

      const mine = await followUps(tokens.manager);
      expect(mine.find((f) => f.requestId === id)).toMatchObject({
        id: followUp.id,
        status: 'open',
        score: 1,
        hallCode: HALL,
        sla: { state: 'running' },
      });
      expect((await followUps(tokens.zoneManager)).some((f) => f.requestId === id)).toBe(true);
      expect((await followUps(tokens.admin)).some((f) => f.requestId === id)).toBe(true);
      expect((await followUps(tokens.otherManager)).some((f) => f.requestId === id)).toBe(false);
      await get('/follow-ups', tokens.clerk).expect(403);
      await get('/follow-ups', tokens.applicantA).expect(403);
      await act(id, 'verify', tokens.otherManager).expect(404);
      await act(id, 'verify', tokens.clerk).expect(403);
      await act(id, 'verify', tokens.applicantA).expect(403);

      const { number } = (await get(`/requests/${id}`, tokens.admin)).body as { number: string };
      const told = await eventually(
        async () =>
          (await inbox(tokens.manager)).find((n) => n.kind === 'follow-up.opened' && n.message.includes(number)),
        'the hall manager’s notification',
      );
      expect(told.message).toContain('已为您的大厅发起整改');
      const elsewhere = await inbox(tokens.otherManager);
      expect(elsewhere.filter((n) => n.kind === 'follow-up.opened')).toEqual([]);
    });

    it('a 2 opens one too, a 3 does not', async () => {
      const two = await completed();
      expect((await evaluate(two, { score: 2 }).expect(201)).body.followUp).toMatchObject({ status: 'open' });
      const three = await completed();
      expect((await evaluate(three, { score: 3 }).expect(201)).body.followUp).toBeNull();
      await act(three, 'verify').expect(404);
    });

    it('verified → rectified → fed back: each step in the timeline, the applicant told, the clock met in time', async () => {
      const id = await denied();
      const { number } = (await get(`/requests/${id}`, tokens.admin)).body as { number: string };
      await evaluate(id, { score: 2, comment: '驳回理由不清楚' }).expect(201);

      const verified = await post(`/requests/${id}/follow-up/verify`, tokens.manager, {
        note: '经核实，驳回告知书未写明依据',
      }).expect(200);
      expect(verified.body).toMatchObject({
        requestId: id,
        requestNumber: number,
        score: 2,
        status: 'verified',
        verifyNote: '经核实，驳回告知书未写明依据',
        verifiedAt: expect.stringMatching(/\+08:00$/),
        sla: { state: 'running' },
      });
      // A zone-wide manager (no hall) answers for every hall.
      const rectified = await post(`/requests/${id}/follow-up/rectify`, tokens.zoneManager, {
        note: '补发载明法律依据的告知书',
      }).expect(200);
      expect(rectified.body).toMatchObject({ status: 'rectified', rectifyNote: '补发载明法律依据的告知书' });
      const message = '已补发告知书并对审批人员开展培训，感谢您的监督。';
      const closed = await post(`/requests/${id}/follow-up/feedback`, tokens.manager, { message }).expect(200);
      expect(closed.body).toMatchObject({
        status: 'closed',
        feedback: message,
        closedAt: expect.stringMatching(/\+08:00$/),
        sla: { state: 'met' },
      });
      expect(closed.body.sla.remainingWorkingMinutes).toBeGreaterThan(0);

      const shown = (await requestView(id, tokens.applicantA)).evaluation!;
      expect(shown.followUp).toEqual(
        expect.objectContaining({ status: 'closed', feedback: message, verifyNote: '经核实，驳回告知书未写明依据' }),
      );
      const steps = (await timeline(id)).filter((e) => e.action.startsWith('follow-up.'));
      expect(steps.map((e) => [e.action, e.statusFrom, e.statusTo])).toEqual([
        ['follow-up.opened', null, 'open'],
        ['follow-up.verified', 'open', 'verified'],
        ['follow-up.rectified', 'verified', 'rectified'],
        ['follow-up.closed', 'rectified', 'closed'],
      ]);
      expect(steps[1]).toMatchObject({
        actor: { role: 'manager', username: `ev-manager-${u}`.toLowerCase() },
        payload: { note: '经核实，驳回告知书未写明依据' },
      });
      expect(steps[2].actor?.username).toBe(`ev-zonemanager-${u}`.toLowerCase());
      expect(steps[3].payload).toMatchObject({ message });
      const actors = (await suite.db.query(
        'SELECT verified_by, rectified_by, closed_by FROM follow_ups WHERE request_id = ?',
        [id],
      )) as Record<string, string | number>[];
      expect(Object.values(actors[0]).every((v) => v !== null)).toBe(true);

      const notice = await eventually(
        async () =>
          (await inbox(tokens.applicantA)).find((n) => n.kind === 'follow-up.closed' && n.message.includes(number)),
        'the applicant’s feedback notification',
      );
      expect(notice.message).toContain(message);
      // Closed: met, and listed as such.
      expect((await followUps(tokens.manager, '&slaState=met')).some((f) => f.requestId === id)).toBe(true);
      expect((await followUps(tokens.manager, '&status=closed')).some((f) => f.requestId === id)).toBe(true);
      expect((await followUps(tokens.manager, '&status=open')).some((f) => f.requestId === id)).toBe(false);
    });

    it('actions out of order are 409s naming the follow-up’s state and change nothing', async () => {
      const id = await withFollowUp();
      for (const action of ['rectify', 'feedback'] as const) {
        const res = await act(id, action).expect(409);
        expect(res.body.state).toBe('open');
        expect(messageText(res.body)).toContain('verified first');
      }
      await act(id, 'verify').expect(200);
      expect((await act(id, 'verify').expect(409)).body.state).toBe('verified');
      expect((await act(id, 'feedback').expect(409)).body.state).toBe('verified');
      await act(id, 'rectify').expect(200);
      expect((await act(id, 'rectify').expect(409)).body.state).toBe('rectified');
      await act(id, 'feedback').expect(200);
      for (const action of ['verify', 'rectify', 'feedback'] as const) {
        expect((await act(id, action).expect(409)).body.state).toBe('closed');
      }
      expect(await audits(id, 'follow-up.verified')).toBe(1);
      expect(await audits(id, 'follow-up.rectified')).toBe(1);
      expect(await audits(id, 'follow-up.closed')).toBe(1);

      // No evaluation, or one without a follow-up: there is nothing to act on.
      const unrated = await completed();
      await act(unrated, 'verify').expect(404);
    });

    it('a note or message that is missing, blank or too long is a 400 naming it', async () => {
      const id = await withFollowUp();
      const missing = await post(`/requests/${id}/follow-up/verify`, tokens.manager, {}).expect(400);
      expect(messageText(missing.body)).toContain('note');
      const blank = await post(`/requests/${id}/follow-up/verify`, tokens.manager, { note: '   ' }).expect(400);
      expect(messageText(blank.body)).toContain('note must not be blank');
      const long = await post(`/requests/${id}/follow-up/verify`, tokens.manager, { note: '长'.repeat(1001) }).expect(
        400,
      );
      expect(messageText(long.body)).toContain('note must be shorter than or equal to 1000 characters');
      const wrongField = await post(`/requests/${id}/follow-up/feedback`, tokens.manager, { note: 'x' }).expect(400);
      expect(messageText(wrongField.body)).toContain('message');
      expect((await requestView(id)).evaluation?.followUp?.status).toBe('open');
    });

    it('lists a manager’s follow-ups oldest due first, page by page', async () => {
      await withFollowUp();
      clock.advanceMinutes(1);
      await withFollowUp(2);
      const seen: FollowUpItem[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${cursor}` : '';
        const res = await get(`/follow-ups?limit=2${query}`, tokens.manager).expect(200);
        seen.push(...(res.body.items as FollowUpItem[]));
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(new Set(seen.map((f) => f.id)).size).toBe(seen.length);
      expect(seen.every((f) => f.hallCode === HALL)).toBe(true);
      const dues = seen.map((f) => Date.parse(f.sla!.dueAt));
      expect([...dues].sort((a, b) => a - b)).toEqual(dues);

      await get('/follow-ups?status=lost', tokens.manager).expect(400);
      await get('/follow-ups?slaState=late', tokens.manager).expect(400);
      await get('/follow-ups?cursor=bm90LWEtY3Vyc29y', tokens.manager).expect(400);
    });

    it('keeps the follow-up clock running when something else of the ended request moves its clocks', async () => {
      // A step in a special procedure (特别程序) is denied: the procedure's end comes after the request ended.
      const id = await accepted();
      const endsAt = new Date(clock.now().getTime() + 30 * 60_000).toISOString();
      await post(`/requests/${id}/steps/review/special-procedures`, tokens.approver, {
        reason: '专家评审',
        endsAt,
      }).expect(200);
      await post(`/requests/${id}/steps/review/deny`, tokens.approver, { reason: '评审未通过' }).expect(200);
      await evaluate(id, { score: 1 }).expect(201);
      clock.advanceMinutes(31);
      await suite.worker.get(SlaTimers).reconcile();
      expect(await audits(id, 'step.special-procedure-ended')).toBe(1);
      expect((await requestView(id)).evaluation!.followUp!.sla!.state).toBe('running');
      const open = (await suite.db.query(
        "SELECT COUNT(*) AS n FROM sla_clocks WHERE request_id = ? AND kind = 'follow-up' AND stopped_at IS NULL",
        [id],
      )) as { n: string | number }[];
      expect(Number(open[0].n)).toBe(1);
    });

    // Next to last in this file: it moves the shared clock days ahead.
    it('the follow-up clock warns, then is overdue, on its own timers; fed back late it is breached', async () => {
      const id = await withFollowUp();
      const [row] = (await suite.db.query(
        "SELECT id FROM sla_clocks WHERE request_id = ? AND kind = 'follow-up' AND stopped_at IS NULL",
        [id],
      )) as { id: string | number }[];
      const clockId = String(row.id);
      const timer = (jobId: string) => eventually(() => suite.slaQueue.getJob(jobId), `timer ${jobId}`);
      const fireNow = async (jobId: string) => {
        const job = await timer(jobId);
        if (await job.isDelayed()) await job.changeDelay(0);
      };
      const slaOf = async () => (await requestView(id)).evaluation!.followUp!.sla!;
      expect(await (await timer(`sla-${clockId}-0-warning`)).isDelayed()).toBe(true);

      clock.advanceMinutes(4 * DAY_MINUTES + 1);
      expect((await slaOf()).state).toBe('warning');
      await fireNow(`sla-${clockId}-0-warning`);
      await eventually(async () => (await audits(id, 'sla.warning')) === 1, 'the warning in the timeline');
      const warning = (await timeline(id)).find((e) => e.action === 'sla.warning');
      expect(warning?.payload).toMatchObject({ clock: 'follow-up' });
      await eventually(
        async () => (await inbox(tokens.manager)).find((n) => n.kind === 'sla.warning' && n.message.includes('整改')),
        'the warning in the hall manager’s inbox',
      );

      clock.advanceMinutes(DAY_MINUTES);
      await fireNow(`sla-${clockId}-1-overdue`);
      await eventually(async () => (await audits(id, 'sla.overdue')) === 1, 'the overdue in the timeline');
      const overdue = await slaOf();
      expect(overdue.state).toBe('overdue');
      expect(overdue.remainingWorkingMinutes).toBeLessThan(0);
      // The reports' overdue list reads the same clock.
      expect((await followUps(tokens.manager, '&slaState=overdue')).some((f) => f.requestId === id)).toBe(true);
      expect((await followUps(tokens.manager, '&slaState=running')).some((f) => f.requestId === id)).toBe(false);

      await act(id, 'verify').expect(200);
      await act(id, 'rectify').expect(200);
      const closed = await act(id, 'feedback').expect(200);
      expect(closed.body.sla.state).toBe('breached');
      expect(await audits(id, 'sla.warning')).toBe(1);
      expect(await audits(id, 'sla.overdue')).toBe(1);
      const [stopped] = (await suite.db.query('SELECT stopped_at FROM sla_clocks WHERE id = ?', [clockId])) as {
        stopped_at: Date | null;
      }[];
      expect(stopped.stopped_at).not.toBeNull();
    });

    it('a request no hall took (deemed accepted) has its follow-up with the zone-wide managers', async () => {
      // Five working days on `always` have passed since it was submitted: what the worker does with
      // the intake clock's overdue event, here without waiting for the relay.
      expect(await deemAccepted(suite.app, unattended)).toBe(true);
      await post(`/requests/${unattended}/steps/review/approve`, tokens.approver).expect(200);
      const { number } = (await get(`/requests/${unattended}`, tokens.admin)).body as { number: string };
      const res = await evaluate(unattended, { score: 1, comment: '无人受理' }).expect(201);
      expect(res.body.followUp).toMatchObject({ status: 'open', hallCode: null });

      expect((await followUps(tokens.zoneManager)).some((f) => f.requestId === unattended)).toBe(true);
      expect((await followUps(tokens.manager)).some((f) => f.requestId === unattended)).toBe(false);
      await act(unattended, 'verify', tokens.manager).expect(404);
      await eventually(
        async () =>
          (await inbox(tokens.zoneManager)).find((n) => n.kind === 'follow-up.opened' && n.message.includes(number)),
        'the zone-wide manager’s notification',
      );
      expect((await inbox(tokens.manager)).some((n) => n.message.includes(number))).toBe(false);

      // Closed here, so its clock warns no one after this file.
      for (const action of ['verify', 'rectify', 'feedback'] as const) {
        await act(unattended, action, tokens.zoneManager).expect(200);
      }
      expect((await requestView(unattended)).evaluation?.followUp?.status).toBe('closed');
    });
  });
});
