import { REQUEST_STATUSES, type RequestStatus, STEP_STATUSES, type StepStatus } from '#database';
import {
  allStepsApproved,
  nextRequestStatus,
  nextStepStatus,
  REQUEST_ACTIONS,
  type RequestAction,
  STEP_ACTIONS,
  type StepAction,
  stepsToActivate,
  type SupplementStage,
} from './request-state.js';

/** The whole table written out: every legal transition; everything not listed must be refused. */
const LEGAL: [RequestStatus, SupplementStage | null, RequestAction, RequestStatus][] = [
  ['submitted', null, 'accept', 'in_progress'],
  ['submitted', null, 'refuse', 'refused'],
  ['submitted', null, 'request_supplement', 'supplement_required'],
  ['submitted', null, 'withdraw', 'withdrawn'],
  ['supplement_required', 'intake', 'supply', 'submitted'],
  ['supplement_required', 'intake', 'refuse', 'refused'],
  ['supplement_required', 'intake', 'withdraw', 'withdrawn'],
  ['supplement_required', 'processing', 'supply', 'in_progress'],
  ['supplement_required', 'processing', 'withdraw', 'withdrawn'],
  ['supplement_required', 'processing', 'extend', 'supplement_required'],
  ['in_progress', null, 'request_step_supplement', 'supplement_required'],
  ['in_progress', null, 'approve_step', 'in_progress'],
  ['in_progress', null, 'supply_deferred', 'in_progress'],
  ['in_progress', null, 'extend', 'in_progress'],
  ['in_progress', null, 'deny_step', 'denied'],
  ['in_progress', null, 'complete', 'completed'],
  ['in_progress', null, 'withdraw', 'withdrawn'],
];

const STEP_LEGAL: [StepStatus, StepAction, StepStatus][] = [
  ['waiting', 'activate', 'active'],
  ['waiting', 'cancel', 'cancelled'],
  ['active', 'approve', 'approved'],
  ['active', 'deny', 'denied'],
  ['active', 'request_supplement', 'active'],
  ['active', 'cancel', 'cancelled'],
];

describe('request state table', () => {
  const stagesOf = (status: RequestStatus): (SupplementStage | null)[] =>
    status === 'supplement_required' ? ['intake', 'processing'] : [null];

  const cases = REQUEST_STATUSES.flatMap((status) =>
    stagesOf(status).flatMap((stage) => REQUEST_ACTIONS.map((action) => [status, stage, action] as const)),
  );

  it.each(cases)('%s (%s) × %s', (status, stage, action) => {
    const legal = LEGAL.find(([s, st, a]) => s === status && st === stage && a === action);
    expect(nextRequestStatus(status, action, stage)).toBe(legal ? legal[3] : null);
  });

  it('covers every status, stage and action (no row of the table is untested)', () => {
    expect(cases).toHaveLength((REQUEST_STATUSES.length + 1) * REQUEST_ACTIONS.length);
  });

  it('lets nothing leave a final status', () => {
    for (const status of ['completed', 'denied', 'refused', 'withdrawn'] as const) {
      for (const action of REQUEST_ACTIONS) expect(nextRequestStatus(status, action)).toBeNull();
    }
  });
});

describe('step state table', () => {
  const cases = STEP_STATUSES.flatMap((status) => STEP_ACTIONS.map((action) => [status, action] as const));

  it.each(cases)('%s × %s', (status, action) => {
    const legal = STEP_LEGAL.find(([s, a]) => s === status && a === action);
    expect(nextStepStatus(status, action)).toBe(legal ? legal[2] : null);
  });
});

describe('activation along the DAG', () => {
  const startBusiness = (licence: StepStatus, others: StepStatus = 'waiting') => [
    { stepKey: 'licence', status: licence, dependsOn: [] },
    ...['seal', 'tax', 'social', 'fund', 'bank'].map((stepKey) => ({
      stepKey,
      status: others,
      dependsOn: ['licence'],
    })),
  ];

  it('activates only the steps without dependencies at acceptance', () => {
    expect(stepsToActivate(startBusiness('waiting'))).toEqual(['licence']);
  });

  it('activates the five parallel steps together once the licence is approved', () => {
    expect(stepsToActivate(startBusiness('approved'))).toEqual(['seal', 'tax', 'social', 'fund', 'bank']);
  });

  it('waits for every dependency of a join', () => {
    const steps = [
      { stepKey: 'a', status: 'approved' as StepStatus, dependsOn: [] },
      { stepKey: 'b', status: 'active' as StepStatus, dependsOn: [] },
      { stepKey: 'c', status: 'waiting' as StepStatus, dependsOn: ['a', 'b'] },
    ];
    expect(stepsToActivate(steps)).toEqual([]);
    steps[1].status = 'approved';
    expect(stepsToActivate(steps)).toEqual(['c']);
  });

  it('completes only when every step is approved', () => {
    expect(allStepsApproved(startBusiness('approved', 'approved'))).toBe(true);
    const one = startBusiness('approved', 'approved');
    one[3].status = 'active';
    expect(allStepsApproved(one)).toBe(false);
    expect(allStepsApproved([])).toBe(false);
  });
});
