import type { RequestStatus, StepStatus } from '#database';

/**
 * The request and step state tables of DESIGN.md (Request lifecycle) as pure functions. Every
 * change of a request or a step asks here first; `null` means the action is illegal in that
 * state, which request-transitions.ts turns into a 409 naming the current state and changing nothing.
 */

export const REQUEST_ACTIONS = [
  'accept',
  'refuse',
  'request_supplement',
  'supply',
  'supply_deferred',
  'extend',
  'withdraw',
  'request_step_supplement',
  'approve_step',
  'deny_step',
  'complete',
] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

/** Where a pending supplement was asked: before acceptance (intake) or by a department (processing). */
export type SupplementStage = 'intake' | 'processing';

export const FINAL_REQUEST_STATUSES: readonly RequestStatus[] = ['completed', 'denied', 'refused', 'withdrawn'];

export const isFinalRequestStatus = (status: RequestStatus): boolean => FINAL_REQUEST_STATUSES.includes(status);

/**
 * The status a request moves to, or null when the action is illegal. A supplied request goes back
 * to where the supplement was asked: intake (submitted) or processing (in_progress). Steps are
 * decided only while the request is in progress: a request waiting for a supplement is paused.
 */
export function nextRequestStatus(
  status: RequestStatus,
  action: RequestAction,
  stage: SupplementStage | null = null,
): RequestStatus | null {
  switch (status) {
    case 'submitted':
      switch (action) {
        case 'accept':
          return 'in_progress';
        case 'refuse':
          return 'refused';
        case 'request_supplement':
          return 'supplement_required';
        case 'withdraw':
          return 'withdrawn';
        default:
          return null;
      }
    case 'supplement_required':
      switch (action) {
        case 'supply':
          return stage === 'processing' ? 'in_progress' : 'submitted';
        case 'extend':
          // The clock waits with the request; an extension granted meanwhile counts after the resume.
          return stage === 'processing' ? 'supplement_required' : null;
        case 'refuse':
          // Intake may still be refused while the applicant is asked for materials; a request
          // already accepted ends only by its steps or its applicant.
          return stage === 'processing' ? null : 'refused';
        case 'withdraw':
          return 'withdrawn';
        default:
          return null;
      }
    case 'in_progress':
      switch (action) {
        case 'request_step_supplement':
          return 'supplement_required';
        case 'approve_step':
        case 'supply_deferred':
        case 'extend':
          return 'in_progress';
        case 'deny_step':
          return 'denied';
        case 'complete':
          return 'completed';
        case 'withdraw':
          return 'withdrawn';
        default:
          return null;
      }
    case 'completed':
    case 'denied':
    case 'refused':
    case 'withdrawn':
      return null;
  }
}

export const STEP_ACTIONS = ['activate', 'approve', 'deny', 'request_supplement', 'cancel'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** The status a step moves to, or null when the action is illegal. */
export function nextStepStatus(status: StepStatus, action: StepAction): StepStatus | null {
  switch (status) {
    case 'waiting':
      if (action === 'activate') return 'active';
      if (action === 'cancel') return 'cancelled';
      return null;
    case 'active':
      if (action === 'approve') return 'approved';
      if (action === 'deny') return 'denied';
      if (action === 'request_supplement') return 'active';
      if (action === 'cancel') return 'cancelled';
      return null;
    case 'approved':
    case 'denied':
    case 'cancelled':
      return null;
  }
}

export interface StepNode {
  stepKey: string;
  status: StepStatus;
  dependsOn: readonly string[];
}

/** Waiting steps whose every dependency is approved: they become active now (并联审批). */
export function stepsToActivate(steps: readonly StepNode[]): string[] {
  const approved = new Set(steps.filter((s) => s.status === 'approved').map((s) => s.stepKey));
  return steps.filter((s) => s.status === 'waiting' && s.dependsOn.every((d) => approved.has(d))).map((s) => s.stepKey);
}

/** Every step approved: the request completes and its outputs are issued together (证照同发). */
export const allStepsApproved = (steps: readonly StepNode[]): boolean =>
  steps.length > 0 && steps.every((s) => s.status === 'approved');
