import { formatInstant, notFound } from '#common';
import type { RequestStep, ServiceRequest } from '#database';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ItemVersions } from './item-versions.js';
import { checkAskedMaterials } from './material-checks.js';
import { type Loaded, RequestChanges, type RequestCommand } from './request-changes.js';
import { outstandingDeferred } from './request-details.js';
import {
  allStepsApproved,
  nextRequestStatus,
  nextStepStatus,
  type RequestAction,
  stepsToActivate,
} from './request-state.js';
import { type Change, endRequest, illegalRequest, illegalStep, moveRequest, moveStep } from './request-transitions.js';
import type { RequestView } from './request-views.js';
import type { ApproveInput, ReasonInput, SupplementRequestInput } from './requests.types.js';

/** 并联审批: every waiting step whose dependencies are all approved becomes active now. */
export function activateReady(request: ServiceRequest, steps: RequestStep[], change: Change): void {
  for (const key of stepsToActivate(steps)) {
    const step = steps.find((s) => s.stepKey === key)!;
    moveStep(request, step, 'activate', change);
    step.activatedAt = change.now;
    change.events.push({ type: 'step.activated', data: { requestId: String(request.id), stepKey: key } });
  }
}

/** 证照同发: every output is issued at the same instant, with the completion. */
export function complete(request: ServiceRequest, steps: RequestStep[], change: Change): void {
  moveRequest(request, 'complete', change, {
    outputs: steps.map((s) => ({ stepKey: s.stepKey, kind: s.outputKind, number: s.outputNumber })),
  });
  request.completedAt = change.now;
  request.endedAt = change.now;
  change.completed = true;
  for (const s of steps) {
    s.issuedAt = change.now;
    change.dirtySteps.add(s);
  }
}

/** The approver's own step; another department's step is not theirs, so it is not found. */
export function departmentStep(
  actor: Actor,
  request: ServiceRequest,
  steps: RequestStep[],
  stepKey: string,
): RequestStep {
  const step = steps.find((s) => s.stepKey === stepKey);
  if (!step || step.departmentCode !== actor.departmentCode) {
    throw notFound(`step ${stepKey} of request ${request.id}`);
  }
  return step;
}

/** A decision on a step, given the approver's own step of the locked request. */
type Decision = (loaded: Loaded, step: RequestStep, change: Change, manager: EntityManager) => void | Promise<void>;

/**
 * A department decides its step of a request: approves it (the steps that depended on it become
 * active; the last one completes the request with every output at once), denies it (the request is
 * denied) or asks the applicant for materials of the step's matter (the request waits).
 */
@Injectable()
export class StepDecisions {
  constructor(
    private readonly changes: RequestChanges,
    private readonly versions: ItemVersions,
  ) {}

  approveStep(actor: Actor, id: string, stepKey: string, input: ApproveInput, key?: string): Promise<RequestView> {
    const command = { actor, id, path: `steps/${stepKey}/approve`, input, key };
    return this.decide(command, stepKey, 'approve_step', async ({ request, steps }, step, change, manager) => {
      const outputNumber = input.outputNumber ?? `${request.number}-${step.stepKey}`;
      moveStep(request, step, 'approve', change, {
        outputNumber,
        ...(input.comment ? { comment: input.comment } : {}),
      });
      step.decidedAt = change.now;
      step.decidedBy = actor.id;
      step.decisionNote = input.comment ?? null;
      step.outputNumber = outputNumber;
      change.events.push({ type: 'step.approved', data: { requestId: String(request.id), stepKey } });

      if (allStepsApproved(steps)) {
        // 容缺受理: the outputs wait for every deferred material.
        if ((await outstandingDeferred(manager, String(request.id))).length === 0) {
          complete(request, steps, change);
        }
      } else {
        activateReady(request, steps, change);
      }
    });
  }

  denyStep(actor: Actor, id: string, stepKey: string, input: ReasonInput, key?: string): Promise<RequestView> {
    const command = { actor, id, path: `steps/${stepKey}/deny`, input, key };
    return this.decide(command, stepKey, 'deny_step', ({ request, steps }, step, change) => {
      moveStep(request, step, 'deny', change, { reason: input.reason });
      step.decidedAt = change.now;
      step.decidedBy = actor.id;
      step.decisionNote = input.reason;
      change.events.push({ type: 'step.denied', data: { requestId: String(request.id), stepKey } });
      moveRequest(request, 'deny_step', change, { stepKey, reason: input.reason });
      endRequest(request, steps, input.reason, change);
    });
  }

  requestStepSupplement(
    actor: Actor,
    id: string,
    stepKey: string,
    input: SupplementRequestInput,
    key?: string,
  ): Promise<RequestView> {
    const command = { actor, id, path: `steps/${stepKey}/supplement-requests`, input, key };
    return this.decide(command, stepKey, 'request_step_supplement', async ({ request }, step, change, manager) => {
      if (!nextStepStatus(step.status, 'request_supplement')) throw illegalStep(request, step, 'request_supplement');
      const version = await this.versions.byId(request.itemVersionId, manager);
      const matterMaterials = version.steps.find((s) => s.key === stepKey)?.materials ?? [];
      checkAskedMaterials(input.materials, new Set(matterMaterials.map((m) => m.code)), `step ${stepKey}`);
      moveRequest(request, 'request_step_supplement', change, {
        stepKey,
        materials: input.materials,
        note: input.note,
      });
      request.supplement = {
        stage: 'processing',
        stepKey,
        materials: input.materials,
        note: input.note,
        requestedBy: actor.id,
        requestedAt: formatInstant(change.now),
      };
    });
  }

  /**
   * Runs a decision on the approver's own step (another department's is not found). Steps are
   * decided only while the request is in progress: one waiting for a supplement is paused.
   */
  private decide(
    command: RequestCommand,
    stepKey: string,
    action: RequestAction,
    decision: Decision,
  ): Promise<RequestView> {
    return this.changes.run(command, (loaded, change, manager) => {
      const { request } = loaded;
      const step = departmentStep(command.actor, request, loaded.steps, stepKey);
      if (!nextRequestStatus(request.status, action, request.supplement?.stage ?? null)) {
        throw illegalRequest(request, action);
      }
      return decision(loaded, step, change, manager);
    });
  }
}
