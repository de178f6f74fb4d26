import type { Actor } from '#identity';
import { requestActions, stepActions, withAllowedActions } from './allowed-actions.js';
import type { RequestView, StepView } from './request-views.js';

const COMPANY = '91320594MA1XK7T2QQ';
const sla = (state: string) => ({
  state,
  dueAt: '2026-12-01T17:00:00.000+08:00',
  warnAt: '2026-11-30T17:00:00.000+08:00',
  pausedMinutes: 0,
  remainingWorkingMinutes: 600,
});

function step(key: string, departmentCode: string, status: StepView['status']): StepView {
  return {
    key,
    matterCode: key.toUpperCase(),
    matterName: key,
    departmentCode,
    dependsOn: [],
    status,
    sla: status === 'active' ? sla('running') : null,
    activatedAt: null,
    decidedAt: null,
    note: null,
    output: null,
  };
}

function view(overrides: Partial<RequestView> = {}): RequestView {
  return {
    id: '1',
    number: 'GX20261129000001',
    itemCode: 'OPEN-BUSINESS',
    itemVersion: 1,
    companyUscc: COMPANY,
    hallCode: 'CENTRE',
    status: 'in_progress',
    submittedAt: '2026-11-29T09:00:00.000+08:00',
    acceptedAt: '2026-11-29T09:10:00.000+08:00',
    completedAt: null,
    endedAt: null,
    sla: sla('running'),
    takenInAt: null,
    onBehalfOf: null,
    form: {},
    materials: [],
    supplement: null,
    outcomeReason: null,
    steps: [step('licence', 'SAMR', 'approved'), step('seal', 'PSB', 'active'), step('tax', 'TAX', 'waiting')],
    outputs: [],
    deferredMaterials: [],
    extension: null,
    specialProcedures: [],
    evaluation: null,
    ...overrides,
  };
}

const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({ id: '9', username: role, role, ...extra });
const applicant = actor('applicant', { companyUscc: COMPANY });
const otherApplicant = actor('applicant', { companyUscc: '91320594MA1XK7T3XX' });
const clerk = actor('clerk', { hallCode: 'CENTRE' });
const branchClerk = actor('clerk', { hallCode: 'BRANCH' });
const psb = actor('approver', { departmentCode: 'PSB' });
const samr = actor('approver', { departmentCode: 'SAMR' });
const manager = actor('manager');
const branchManager = actor('manager', { hallCode: 'BRANCH' });
const admin = actor('admin');

describe('allowedActions: what the caller may do next', () => {
  it('a submitted request: the clerk of the hall (or of any hall before intake) decides intake; the applicant may withdraw', () => {
    const submitted = view({
      status: 'submitted',
      hallCode: null,
      acceptedAt: null,
      steps: [step('licence', 'SAMR', 'waiting')],
    });
    expect(requestActions(submitted, clerk)).toEqual(['accept', 'refuse', 'request-supplement']);
    expect(requestActions(submitted, branchClerk)).toEqual(['accept', 'refuse', 'request-supplement']);
    expect(requestActions({ ...submitted, hallCode: 'CENTRE' }, branchClerk)).toEqual([]);
    expect(requestActions(submitted, applicant)).toEqual(['withdraw']);
    expect(requestActions(submitted, otherApplicant)).toEqual([]);
    expect(requestActions(submitted, admin)).toEqual([]);
    expect(stepActions(submitted, submitted.steps[0], samr)).toEqual([]);
  });

  it('a supplement asked at intake: the applicant supplies or withdraws, the clerk may still refuse, nobody extends', () => {
    const asked = view({
      status: 'supplement_required',
      acceptedAt: null,
      supplement: {
        stage: 'intake',
        stepKey: null,
        materials: ['ARTICLES'],
        note: 'sign it',
        requestedAt: '2026-11-29T10:00:00.000+08:00',
      },
    });
    expect(requestActions(asked, applicant)).toEqual(['supply', 'withdraw']);
    expect(requestActions(asked, clerk)).toEqual(['refuse']);
    expect(requestActions(asked, manager)).toEqual([]);
  });

  it('a supplement asked by a step: no refusal at the window; a manager may extend the paused clock', () => {
    const asked = view({
      status: 'supplement_required',
      sla: sla('paused'),
      supplement: {
        stage: 'processing',
        stepKey: 'seal',
        materials: ['ARTICLES'],
        note: 'sign it',
        requestedAt: '2026-11-29T10:00:00.000+08:00',
      },
    });
    expect(requestActions(asked, clerk)).toEqual([]);
    expect(requestActions(asked, applicant)).toEqual(['supply', 'withdraw']);
    expect(requestActions(asked, manager)).toEqual(['extend']);
    expect(stepActions(asked, asked.steps[1], psb)).toEqual([]);
  });

  it('in progress: only the department of an active step decides it; a special procedure once at a time', () => {
    const running = view();
    expect(stepActions(running, running.steps[1], psb)).toEqual([
      'approve',
      'deny',
      'request-supplement',
      'special-procedure',
    ]);
    expect(stepActions(running, running.steps[1], samr)).toEqual([]);
    expect(stepActions(running, running.steps[0], samr)).toEqual([]);
    expect(stepActions(running, running.steps[2], psb)).toEqual([]);
    expect(stepActions(running, running.steps[1], manager)).toEqual([]);
    const inProcedure = view({
      specialProcedures: [
        {
          id: '1',
          stepKey: 'seal',
          reason: 'hearing',
          startedAt: '2026-11-29T10:00:00.000+08:00',
          endsAt: '2026-12-05T10:00:00.000+08:00',
          endedAt: null,
          startedBy: { id: '7', username: 'psb-other' },
          endedBy: null,
        },
      ],
    });
    expect(stepActions(inProcedure, inProcedure.steps[1], psb)).toEqual(['approve', 'deny', 'request-supplement']);
  });

  it("a department's system decides its department's active steps, and starts no special procedure", () => {
    const running = view();
    const psbSystem = actor('system', { departmentCode: 'PSB' });
    expect(stepActions(running, running.steps[1], psbSystem)).toEqual(['approve', 'deny', 'request-supplement']);
    expect(stepActions(running, running.steps[2], psbSystem)).toEqual([]);
    expect(stepActions(running, running.steps[1], actor('system', { departmentCode: 'SAMR' }))).toEqual([]);
    expect(requestActions(running, psbSystem)).toEqual([]);
  });

  it('a running special procedure is ended early only by the approver who started it', () => {
    const procedure = {
      id: '1',
      stepKey: 'seal',
      reason: 'hearing',
      startedAt: '2026-11-29T10:00:00.000+08:00',
      endsAt: '2026-12-05T10:00:00.000+08:00',
      endedAt: null,
      startedBy: { id: '9', username: 'approver' },
      endedBy: null,
    };
    const inProcedure = view({ specialProcedures: [procedure] });
    expect(stepActions(inProcedure, inProcedure.steps[1], psb)).toEqual([
      'approve',
      'deny',
      'request-supplement',
      'end-special-procedure',
    ]);
    expect(
      stepActions(inProcedure, inProcedure.steps[1], actor('approver', { id: '8', departmentCode: 'PSB' })),
    ).toEqual(['approve', 'deny', 'request-supplement']);
    expect(stepActions(inProcedure, inProcedure.steps[1], samr)).toEqual([]);
    const ended = view({
      specialProcedures: [{ ...procedure, endedAt: '2026-11-30T10:00:00.000+08:00', endedBy: procedure.startedBy }],
    });
    expect(stepActions(ended, ended.steps[1], psb)).toContain('special-procedure');
    expect(stepActions(ended, ended.steps[1], psb)).not.toContain('end-special-procedure');
  });

  it('extension: once, by a manager of the hall (or of no hall), before the clock is overdue', () => {
    expect(requestActions(view(), manager)).toEqual(['extend']);
    expect(requestActions(view(), branchManager)).toEqual([]);
    expect(requestActions(view({ sla: sla('overdue') }), manager)).toEqual([]);
    expect(
      requestActions(
        view({
          extension: {
            workingDays: 5,
            legalWorkingDays: null,
            reason: 'x',
            grantedAt: '2026-11-29T10:00:00.000+08:00',
          },
        }),
        manager,
      ),
    ).toEqual([]);
  });

  it('deferred materials outstanding: the applicant supplies them while the steps run', () => {
    const deferred = view({
      deferredMaterials: [{ code: 'PREMISES', dueAt: '2026-12-05T17:00:00.000+08:00', suppliedAt: null }],
    });
    expect(requestActions(deferred, applicant)).toEqual(['supply', 'withdraw']);
    const supplied = view({
      deferredMaterials: [
        { code: 'PREMISES', dueAt: '2026-12-05T17:00:00.000+08:00', suppliedAt: '2026-11-30T10:00:00.000+08:00' },
      ],
    });
    expect(requestActions(supplied, applicant)).toEqual(['withdraw']);
  });

  it('ended: the applicant rates once; a poor rating’s follow-up moves verify → rectify → feedback by the hall’s managers', () => {
    const ended = view({ status: 'completed', sla: sla('met'), steps: [step('licence', 'SAMR', 'approved')] });
    expect(requestActions(ended, applicant)).toEqual(['evaluate']);
    expect(requestActions({ ...ended, status: 'withdrawn' }, applicant)).toEqual([]);
    const followUp = (status: 'open' | 'verified' | 'rectified' | 'closed') => ({
      id: '1',
      status,
      hallCode: 'CENTRE',
      openedAt: '2026-11-29T10:00:00.000+08:00',
      verifiedAt: null,
      verifyNote: null,
      rectifiedAt: null,
      rectifyNote: null,
      closedAt: null,
      feedback: null,
      sla: null,
    });
    const rated = (status: 'open' | 'verified' | 'rectified' | 'closed') =>
      view({
        ...ended,
        evaluation: {
          score: 2,
          comment: 'slow',
          evaluatedAt: '2026-11-29T10:00:00.000+08:00',
          followUp: followUp(status),
        },
      } as Partial<RequestView>);
    expect(requestActions(rated('open'), applicant)).toEqual([]);
    expect(requestActions(rated('open'), manager)).toEqual(['follow-up-verify']);
    expect(requestActions(rated('verified'), manager)).toEqual(['follow-up-rectify']);
    expect(requestActions(rated('rectified'), manager)).toEqual(['follow-up-feedback']);
    expect(requestActions(rated('closed'), manager)).toEqual([]);
    expect(requestActions(rated('open'), branchManager)).toEqual([]);
  });

  it('withAllowedActions puts the lists on the request and on each step', () => {
    const shown = withAllowedActions(view(), psb);
    expect(shown.allowedActions).toEqual([]);
    expect(shown.steps.map((s) => s.allowedActions)).toEqual([
      [],
      ['approve', 'deny', 'request-supplement', 'special-procedure'],
      [],
    ]);
  });
});
