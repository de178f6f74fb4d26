import type { RequestStatus } from '#database';

/**
 * 好差评 and its 整改 as pure rules: which requests may be rated, which scores open a follow-up,
 * and the follow-up's state table. `null` means the action is illegal in that state, which the
 * service turns into a 409 naming the current state and changing nothing.
 */

/** 1 非常不满意, 2 不满意, 3 基本满意, 4 满意, 5 非常满意. */
export const SCORE_LABELS = {
  1: '非常不满意',
  2: '不满意',
  3: '基本满意',
  4: '满意',
  5: '非常满意',
} as const;
export type Score = keyof typeof SCORE_LABELS;

/** A request is rated once it has ended with a decision: completed, denied or refused (not withdrawn). */
export const EVALUABLE_REQUEST_STATUSES: readonly RequestStatus[] = ['completed', 'denied', 'refused'];

export const isEvaluable = (status: RequestStatus): boolean => EVALUABLE_REQUEST_STATUSES.includes(status);

/** 差评: a score of 1 or 2 opens a follow-up (整改). */
export const opensFollowUp = (score: number): boolean => score <= 2;

/** `closed` is fed back to the applicant: the follow-up is over and its clock stopped. */
export const FOLLOW_UP_STATUSES = ['open', 'verified', 'rectified', 'closed'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

export const FOLLOW_UP_ACTIONS = ['verify', 'rectify', 'feedback'] as const;
export type FollowUpAction = (typeof FOLLOW_UP_ACTIONS)[number];

/** The follow-up's status after the action, or null when the action is out of order. */
export function nextFollowUpStatus(status: FollowUpStatus, action: FollowUpAction): FollowUpStatus | null {
  switch (status) {
    case 'open':
      return action === 'verify' ? 'verified' : null;
    case 'verified':
      return action === 'rectify' ? 'rectified' : null;
    case 'rectified':
      return action === 'feedback' ? 'closed' : null;
    case 'closed':
      return null;
  }
}

/** A follow-up not yet fed back keeps its clock running. */
export const followUpClockRuns = (status: FollowUpStatus | null): boolean => status !== null && status !== 'closed';
