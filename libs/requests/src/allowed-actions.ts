import type { Actor } from '#identity';
import { type FollowUpAction, isEvaluable, nextFollowUpStatus } from './follow-up-state.js';
import { nextRequestStatus, nextStepStatus, type RequestAction } from './request-state.js';
import type { RequestView, StepView } from './request-views.js';

/**
 * What the caller may do next with a request, as the console shows it: one button per entry, shown
 * exactly when the api would take the action. Built on the same state tables (request-state.ts,
 * follow-up-state.ts) and the same rules of who acts on what as the actions themselves; the view
 * passed in is one the caller may see (reads are scoped before this runs).
 */
export const REQUEST_BUTTONS = [
  'accept',
  'refuse',
  'request-supplement',
  'supply',
  'withdraw',
  'extend',
  'evaluate',
  'follow-up-verify',
  'follow-up-rectify',
  'follow-up-feedback',
] as const;
export type RequestButton = (typeof REQUEST_BUTTONS)[number];

export const STEP_BUTTONS = [
  'approve',
  'deny',
  'request-supplement',
  'special-procedure',
  'end-special-procedure',
] as const;
export type StepButton = (typeof STEP_BUTTONS)[number];

/** Only the stage of a pending supplement matters to the state table. */
type Stage = 'intake' | 'processing' | null;

const CLOSED_CLOCK_STATES = new Set(['overdue', 'met', 'breached']);

function moves(view: RequestView, action: RequestAction): boolean {
  const stage: Stage = view.supplement?.stage ?? null;
  return nextRequestStatus(view.status, action, stage) !== null;
}

/** Clerks act on the requests of their hall and on those no hall has taken yet. */
const clerkOf = (actor: Actor, view: RequestView) =>
  actor.role === 'clerk' &&
  actor.hallCode !== undefined &&
  (view.hallCode === null || view.hallCode === actor.hallCode);

/** Managers act within their hall; one bound to no hall acts for every hall. */
const managerOf = (actor: Actor, hallCode: string | null) =>
  actor.role === 'manager' && (actor.hallCode === undefined || actor.hallCode === hallCode);

const applicantOf = (actor: Actor, view: RequestView) =>
  actor.role === 'applicant' && actor.companyUscc !== undefined && actor.companyUscc === view.companyUscc;

export function requestActions(view: RequestView, actor: Actor): RequestButton[] {
  const actions: RequestButton[] = [];
  if (clerkOf(actor, view) && view.status === 'submitted') {
    actions.push('accept', 'refuse', 'request-supplement');
  } else if (clerkOf(actor, view) && view.status === 'supplement_required' && moves(view, 'refuse')) {
    actions.push('refuse');
  }
  if (applicantOf(actor, view)) {
    const asked = view.status === 'supplement_required' && view.supplement !== null;
    const deferred = view.status === 'in_progress' && view.deferredMaterials.some((d) => d.suppliedAt === null);
    if (asked || deferred) actions.push('supply');
    if (moves(view, 'withdraw')) actions.push('withdraw');
    if (isEvaluable(view.status) && view.evaluation === null) actions.push('evaluate');
  }
  if (managerOf(actor, view.hallCode) && view.extension === null && moves(view, 'extend')) {
    const clock = view.sla;
    if (clock !== null && !CLOSED_CLOCK_STATES.has(clock.state)) actions.push('extend');
  }
  const followUp = view.evaluation?.followUp ?? null;
  if (followUp !== null && managerOf(actor, followUp.hallCode)) {
    for (const action of ['verify', 'rectify', 'feedback'] as FollowUpAction[]) {
      if (nextFollowUpStatus(followUp.status, action) !== null) actions.push(`follow-up-${action}`);
    }
  }
  return actions;
}

export function stepActions(view: RequestView, step: StepView, actor: Actor): StepButton[] {
  const decides = actor.role === 'approver' || actor.role === 'system';
  if (!decides || actor.departmentCode !== step.departmentCode) return [];
  if (view.status !== 'in_progress' || step.status !== 'active') return [];
  const actions: StepButton[] = [];
  if (moves(view, 'approve_step') && nextStepStatus(step.status, 'approve')) actions.push('approve');
  if (moves(view, 'deny_step') && nextStepStatus(step.status, 'deny')) actions.push('deny');
  if (moves(view, 'request_step_supplement') && nextStepStatus(step.status, 'request_supplement')) {
    actions.push('request-supplement');
  }
  // A department's system decides; special procedures stay with its people.
  if (actor.role === 'system') return actions;
  const running = view.specialProcedures.find((p) => p.stepKey === step.key && p.endedAt === null);
  if (!running) actions.push('special-procedure');
  // Ended early only by the approver who started it.
  else if (running.startedBy.id === actor.id) actions.push('end-special-procedure');
  return actions;
}

export type StepViewWithActions = StepView & { allowedActions: StepButton[] };
export type RequestViewWithActions = Omit<RequestView, 'steps'> & {
  allowedActions: RequestButton[];
  steps: StepViewWithActions[];
};

/** The view with the caller's next actions on the request and on each step. */
export function withAllowedActions(view: RequestView, actor: Actor): RequestViewWithActions {
  return {
    ...view,
    allowedActions: requestActions(view, actor),
    steps: view.steps.map((step) => ({ ...step, allowedActions: stepActions(view, step, actor) })),
  };
}
