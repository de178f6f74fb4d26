import type { AuditEntry } from '#audit';
import { DomainError } from '#common';
import type { RequestStep, ServiceRequest } from '#database';
import type { Actor } from '#identity';
import type { OutboxEntry } from '#queue';
import type { ClockOrigin } from '#sla';
import {
  isFinalRequestStatus,
  nextRequestStatus,
  nextStepStatus,
  type RequestAction,
  type StepAction,
} from './request-state.js';

/**
 * How an action changes the loaded request and its steps: each move asks the state table
 * (request-state.ts) and records its audit event and outbox event in the `Change`, which
 * RequestChanges writes with the rows in one transaction.
 */

/** What one action changed, written after it in the same transaction. */
export interface Change {
  now: Date;
  /** Who acts; null for what the system does by rule (a deemed acceptance). */
  actor: Actor | null;
  audits: AuditEntry[];
  events: OutboxEntry[];
  dirtySteps: Set<RequestStep>;
  /** Where a request clock started by this change counts from, when not from `now` (视为受理). */
  requestClockFrom?: ClockOrigin;
  /** The request completed: its outputs become licences (电子证照) in the same transaction. */
  completed?: boolean;
}

export const newChange = (now: Date, actor: Actor | null): Change => ({
  now,
  actor,
  audits: [],
  events: [],
  dirtySteps: new Set(),
});

type Payload = Record<string, unknown>;

const WORDS: Record<RequestAction, string> = {
  accept: 'accept it',
  refuse: 'refuse it',
  request_supplement: 'ask for a supplement at intake',
  supply: 'supply materials (no supplement was asked)',
  supply_deferred: 'supply deferred materials',
  extend: 'extend its time limit',
  withdraw: 'withdraw it',
  request_step_supplement: 'ask for a supplement for a step',
  approve_step: 'decide a step',
  deny_step: 'decide a step',
  complete: 'complete it',
};

/** The audit action and outbox event of each request transition. */
const REQUEST_EVENT = {
  accept: 'request.accepted',
  refuse: 'request.refused',
  request_supplement: 'request.supplement-requested',
  supply: 'request.supplied',
  supply_deferred: 'request.supplied',
  extend: 'request.extended',
  withdraw: 'request.withdrawn',
  request_step_supplement: 'request.supplement-requested',
  deny_step: 'request.denied',
  complete: 'request.completed',
} as const satisfies Record<Exclude<RequestAction, 'approve_step'>, OutboxEntry['type']>;

const STEP_AUDIT: Record<StepAction, string> = {
  activate: 'step.activated',
  approve: 'step.approved',
  deny: 'step.denied',
  request_supplement: 'step.supplement-requested',
  cancel: 'step.cancelled',
};

/** The 409 of an action the request's state does not allow. */
export function illegalRequest(request: ServiceRequest, action: RequestAction): DomainError {
  const waiting =
    request.status === 'supplement_required' && request.supplement
      ? ` (waiting for a supplement asked ${request.supplement.stepKey ? `by step ${request.supplement.stepKey}` : 'at intake'})`
      : '';
  return new DomainError(
    'IllegalTransition',
    `request ${request.number} is ${request.status}${waiting}: cannot ${WORDS[action]}`,
    { state: request.status },
  );
}

/** The 409 of an action the step's state does not allow. */
export function illegalStep(request: ServiceRequest, step: RequestStep, action: StepAction): DomainError {
  return new DomainError(
    'IllegalTransition',
    `step ${step.stepKey} of request ${request.number} is ${step.status}: cannot ${action.replace('_', ' ')} it`,
    { state: step.status },
  );
}

/** The actor as the audit records them; null for what the system does by rule (a deemed acceptance). */
const auditActor = (actor: Actor | null) =>
  actor ? { id: actor.id, role: actor.role, username: actor.username } : null;

/** Moves the request as the state table says, recording its audit event and outbox event. */
export function moveRequest(request: ServiceRequest, action: RequestAction, change: Change, payload?: Payload): void {
  const from = request.status;
  const to = nextRequestStatus(from, action, request.supplement?.stage ?? null);
  if (!to) throw illegalRequest(request, action);
  request.status = to;
  // Approving one step leaves the request in progress: the step's own audit event says it.
  if (action === 'approve_step') return;
  const type = REQUEST_EVENT[action];
  change.audits.push({
    subjectType: 'request',
    subjectId: String(request.id),
    action: type,
    statusFrom: from,
    statusTo: to,
    actor: auditActor(change.actor),
    payload: (payload ?? {}) as AuditEntry['payload'],
  });
  change.events.push({ type, data: { requestId: String(request.id) } });
}

/** Moves one step as the state table says, recording its audit event; the step is written with the change. */
export function moveStep(
  request: ServiceRequest,
  step: RequestStep,
  action: StepAction,
  change: Change,
  payload: Payload = {},
): void {
  const from = step.status;
  const to = nextStepStatus(from, action);
  if (!to) throw illegalStep(request, step, action);
  step.status = to;
  change.dirtySteps.add(step);
  change.audits.push({
    subjectType: 'request',
    subjectId: String(request.id),
    action: STEP_AUDIT[action],
    statusFrom: from,
    statusTo: to,
    actor: auditActor(change.actor),
    payload: { stepKey: step.stepKey, ...payload } as AuditEntry['payload'],
  });
}

/** A request that ends otherwise than completed (refused, withdrawn, denied): its undecided steps are cancelled. */
export function endRequest(request: ServiceRequest, steps: RequestStep[], reason: string | null, change: Change): void {
  request.endedAt = change.now;
  request.outcomeReason = reason;
  request.supplement = null;
  for (const step of steps) {
    if (step.status === 'waiting' || step.status === 'active') {
      moveStep(request, step, 'cancel', change);
    }
  }
  if (!isFinalRequestStatus(request.status)) throw new Error(`request ${request.id} ended as ${request.status}`);
}
