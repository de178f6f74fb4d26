import { AuditEvent } from '#database';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplication } from '@nestjs/common';
import type { TestingModule } from '@nestjs/testing';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { appAndWorker, SteppingClock } from './fixtures/clock.js';
import { apiOf, buildWorld, minuteReview, randomUscc } from './fixtures/world.js';
import { eventually, unique } from './helpers.js';

interface Sla {
  state: string;
  dueAt: string;
  legalDueAt?: string;
  legalState?: string;
  remainingWorkingMinutes: number;
}

/**
 * The legal limit (法定时限) is a clock threshold of its own, beside the promise: a step's clock that
 * passes its legal due time records it once in the timeline, tells the managers who answer for the
 * request, and shows `legalState: breached`; one decided in time shows `met`. On `always` with the
 * minute limits of minuteReview: 10 minutes promised, 30 by law.
 */
describe('the legal limit as a clock (法定时限)', () => {
  const clock = new SteppingClock();
  let app: INestApplication;
  let worker: TestingModule;
  let db: DataSource;
  let slaQueue: Queue;
  let tokens: Record<string, string> = {};
  const u = unique().toUpperCase();
  const ITEM = `LEGAL-${u}`;
  const HALL = `LEGAL-H-${u}`;
  const DEPT = `LEGAL-D-${u}`;
  const company = randomUscc();

  const { get, post } = apiOf(() => app);
  const view = async (id: string) =>
    (await get(`/requests/${id}`, tokens.admin).expect(200)).body as { steps: { key: string; sla: Sla | null }[] };
  const stepSla = async (id: string) => (await view(id)).steps[0].sla!;
  const audits = (id: string, action: string) =>
    db.getRepository(AuditEvent).countBy({ subjectType: 'request', subjectId: id, action });
  const stepClock = async (id: string) => {
    const [row] = (await db.query(
      "SELECT id, generation FROM sla_clocks WHERE request_id = ? AND kind = 'step' AND stopped_at IS NULL",
      [id],
    )) as { id: string | number; generation: number }[];
    return { id: String(row.id), generation: Number(row.generation) };
  };
  const timer = (jobId: string) => eventually(() => slaQueue.getJob(jobId), `timer ${jobId}`);
  const fireNow = async (jobId: string) => {
    const job = await timer(jobId);
    if (await job.isDelayed()) await job.changeDelay(0);
  };
  const inbox = async (token: string) =>
    (await get('/notifications?limit=100', token).set('Accept-Language', 'zh-CN').expect(200)).body.items as {
      kind: string;
      message: string;
    }[];
  async function acceptedRequest(): Promise<string> {
    const submitted = await post('/requests', tokens.applicant, {
      itemCode: ITEM,
      form: {},
      materials: [{ code: 'PLAN', reference: 'file:plan.pdf' }],
    }).expect(201);
    await post(`/requests/${submitted.body.id}/accept`, tokens.clerk).expect(200);
    return submitted.body.id as string;
  }

  beforeAll(async () => {
    ({ app, worker } = await appAndWorker(clock));
    db = app.get(getDataSourceToken());
    slaQueue = worker.get<Queue>(getQueueToken('sla'));
    ({ tokens } = await buildWorld(app, {
      departments: [{ code: DEPT, name: '法定时限测试部门' }],
      halls: [{ code: HALL, name: '法定时限测试大厅', level: 'centre' }],
      ...minuteReview({ item: ITEM, matter: `LEGAL-M-${u}`, departmentCode: DEPT }, [
        { code: 'PLAN', name: '方案', required: true, key: true },
      ]),
      companies: [{ uscc: company, name: '法定时限测试公司' }],
      users: {
        applicant: { role: 'applicant', companyUscc: company },
        clerk: { role: 'clerk', hallCode: HALL },
        approver: { role: 'approver', departmentCode: DEPT },
        hallManager: { role: 'manager', hallCode: HALL },
        departmentManager: { role: 'manager', departmentCode: DEPT },
      },
      username: (key) => `legal-${key}-${u}`,
    }));
  });

  afterAll(async () => {
    await worker.close();
    await app.close();
  });

  it('passing the promise is overdue; passing the law is a breach of its own, recorded once and told to the managers', async () => {
    const id = await acceptedRequest();
    const started = await stepSla(id);
    expect(started.legalState).toBe('running');
    expect(Date.parse(started.legalDueAt!) - Date.parse(started.dueAt)).toBe(20 * 60_000);
    const { id: clockId } = await stepClock(id);

    clock.advanceMinutes(11);
    await fireNow(`sla-${clockId}-0-warning`);
    await eventually(async () => (await audits(id, 'sla.overdue')) === 1, 'the overdue in the timeline');
    const overdue = await stepSla(id);
    expect(overdue).toMatchObject({ state: 'overdue', legalState: 'running' });
    expect(await audits(id, 'sla.legal-breach')).toBe(0);

    // The next timer is the legal one.
    const { generation } = await stepClock(id);
    clock.advanceMinutes(20);
    expect((await stepSla(id)).legalState).toBe('breached');
    await fireNow(`sla-${clockId}-${generation}-legal`);
    await eventually(async () => (await audits(id, 'sla.legal-breach')) === 1, 'the legal breach in the timeline');
    const timeline = (await get(`/requests/${id}/timeline`, tokens.admin).expect(200)).body.items as {
      action: string;
    }[];
    expect(timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['sla.overdue', 'sla.legal-breach']));

    // The hall's and the department's managers are told; the approvers were told of the overdue only.
    for (const manager of [tokens.hallManager, tokens.departmentManager]) {
      const told = await eventually(
        async () => (await inbox(manager)).find((n) => n.kind === 'sla.legal-breach'),
        'the managers’ notification',
      );
      expect(told.message).toContain('已超过法定时限');
    }
    expect((await inbox(tokens.approver)).filter((n) => n.kind === 'sla.legal-breach')).toEqual([]);

    // Deciding now stops the clock late on both counts; the breach stays recorded once.
    const approved = await post(`/requests/${id}/steps/review/approve`, tokens.approver).expect(200);
    expect(approved.body.steps[0].sla).toMatchObject({ state: 'breached', legalState: 'breached' });
    expect(await audits(id, 'sla.legal-breach')).toBe(1);
  });

  it('a step decided after its promise but within the law has missed the promise and met the law', async () => {
    const id = await acceptedRequest();
    clock.advanceMinutes(15);
    const approved = await post(`/requests/${id}/steps/review/approve`, tokens.approver).expect(200);
    expect(approved.body.steps[0].sla).toMatchObject({ state: 'breached', legalState: 'met' });
    expect(await audits(id, 'sla.legal-breach')).toBe(0);
  });
});
