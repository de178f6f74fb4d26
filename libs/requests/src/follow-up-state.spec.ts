import {
  FOLLOW_UP_ACTIONS,
  FOLLOW_UP_STATUSES,
  type FollowUpAction,
  type FollowUpStatus,
  followUpClockRuns,
  isEvaluable,
  nextFollowUpStatus,
  opensFollowUp,
} from './follow-up-state.js';

describe('the follow-up (整改) state table', () => {
  it('goes open → verified → rectified → closed, one action each', () => {
    expect(nextFollowUpStatus('open', 'verify')).toBe('verified');
    expect(nextFollowUpStatus('verified', 'rectify')).toBe('rectified');
    expect(nextFollowUpStatus('rectified', 'feedback')).toBe('closed');
  });

  it('refuses every action out of order, and every action once closed', () => {
    const legal = new Set(['open:verify', 'verified:rectify', 'rectified:feedback']);
    for (const status of FOLLOW_UP_STATUSES) {
      for (const action of FOLLOW_UP_ACTIONS) {
        if (legal.has(`${status}:${action}`)) continue;
        expect([status, action, nextFollowUpStatus(status, action)]).toEqual([status, action, null]);
      }
    }
  });

  it('reaches closed from open only through all three steps', () => {
    let status: FollowUpStatus = 'open';
    const path: FollowUpAction[] = ['verify', 'rectify', 'feedback'];
    for (const action of path) status = nextFollowUpStatus(status, action)!;
    expect(status).toBe('closed');
  });

  it('keeps the clock running until the feedback closes it', () => {
    expect(followUpClockRuns('open')).toBe(true);
    expect(followUpClockRuns('verified')).toBe(true);
    expect(followUpClockRuns('rectified')).toBe(true);
    expect(followUpClockRuns('closed')).toBe(false);
    expect(followUpClockRuns(null)).toBe(false);
  });
});

describe('好差评', () => {
  it('rates a request that ended with a decision, not one withdrawn or still open', () => {
    expect(['completed', 'denied', 'refused'].every((s) => isEvaluable(s as never))).toBe(true);
    for (const status of ['submitted', 'supplement_required', 'in_progress', 'withdrawn'] as const) {
      expect(isEvaluable(status)).toBe(false);
    }
  });

  it('opens a follow-up for 1 (非常不满意) and 2 (不满意) only', () => {
    expect([1, 2, 3, 4, 5].map(opensFollowUp)).toEqual([true, true, false, false, false]);
  });
});
