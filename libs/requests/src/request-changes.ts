import { AuditWriter, type ChainHead } from '#audit';
import { Clock, formatInstant } from '#common';
import { type RequestStep, ServiceRequest } from '#database';
import type { Actor } from '#identity';
import { LicencesService } from '#licences';
import { LiveBus } from '#live';
import { type ClockSyncOptions, type RequestShape, type SlaClock, SlaService } from '#sla';
import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { followUpClockRuns } from './follow-up-state.js';
import { liveMessagesOf } from './live-notices.js';
import { idempotencyContextOf, IdempotencyStore } from './idempotency.js';
import { ItemVersions } from './item-versions.js';
import { readDetails, slaViews } from './request-details.js';
import { loadVisibleRequest } from './request-scope.js';
import { type Change, newChange } from './request-transitions.js';
import { type RequestExtras, type RequestView, toRequestView } from './request-views.js';

/** A request and its steps, loaded under the request's lock. */
export interface Loaded {
  request: ServiceRequest;
  steps: RequestStep[];
  /** Its audit chain's head, locked with its row (request-rows.ts); the change's audit appends to it. */
  auditHead?: ChainHead;
}

/** An actor's action on one request, as the api received it. */
export interface RequestCommand {
  actor: Actor;
  id: string;
  /** The action's path under `POST /requests/<id>/`: with the input, what an Idempotency-Key is bound to. */
  path: string;
  input: unknown;
  key: string | undefined;
}

/** Changes the loaded rows and records what it did in `change`; runs inside the change's transaction. */
export type Mutation = (loaded: Loaded, change: Change, manager: EntityManager) => void | Promise<void>;

/** The request as the SLA clocks see it: its status, where a supplement was asked, its active steps. */
function shapeOf(request: ServiceRequest, steps: readonly RequestStep[], extras: RequestExtras): RequestShape {
  return {
    status: request.status,
    supplementStage: request.supplement?.stage ?? null,
    activeSteps: steps.filter((s) => s.status === 'active').map((s) => s.stepKey),
    procedureSteps: extras.specialProcedures.filter((p) => p.endedAt === null).map((p) => p.stepKey),
    followUpOpen: followUpClockRuns(extras.evaluation?.followUp?.status ?? null),
  };
}

/** The columns of `request_steps` a change moves, in the order `movedValues` gives them. */
const MOVED_STEP_COLUMNS = [
  'status',
  'activated_at',
  'decided_at',
  'decided_by',
  'decision_note',
  'output_number',
  'issued_at',
] as const;

const movedValues = (step: RequestStep) => [
  step.status,
  step.activatedAt,
  step.decidedAt,
  step.decidedBy,
  step.decisionNote,
  step.outputNumber,
  step.issuedAt,
];

/**
 * Writes the steps a change moved, one statement per request (a change moves the steps of its own
 * request only): the steps moved alike (the five a licence's approval activates) take one value per
 * column, and when some were moved otherwise (the approved one beside them) each column takes its
 * value by a CASE over the groups' keys.
 */
async function writeSteps(manager: EntityManager, dirty: Iterable<RequestStep>): Promise<void> {
  const byRequest = new Map<string, Map<string, { values: unknown[]; keys: string[] }>>();
  for (const step of dirty) {
    const values = movedValues(step);
    const groups = byRequest.get(step.requestId) ?? new Map<string, { values: unknown[]; keys: string[] }>();
    const same = JSON.stringify(values);
    const group = groups.get(same) ?? { values, keys: [] };
    group.keys.push(step.stepKey);
    groups.set(same, group);
    byRequest.set(step.requestId, groups);
  }
  const marks = (keys: readonly unknown[]) => keys.map(() => '?').join(', ');
  for (const [requestId, byValues] of byRequest) {
    const groups = [...byValues.values()];
    const params: unknown[] = [];
    const sets = MOVED_STEP_COLUMNS.map((column, i) => {
      if (groups.length === 1) {
        params.push(groups[0].values[i]);
        return `${column} = ?`;
      }
      const cases = groups.map(({ values, keys }) => {
        params.push(...keys, values[i]);
        return `WHEN step_key IN (${marks(keys)}) THEN ?`;
      });
      return `${column} = CASE ${cases.join(' ')} END`;
    });
    const keys = groups.flatMap((g) => g.keys);
    await manager.query(
      `UPDATE request_steps SET ${sets.join(', ')} WHERE request_id = ? AND step_key IN (${marks(keys)})`,
      [...params, requestId, ...keys],
    );
  }
}

/**
 * The one way a request changes (DESIGN.md, "One transaction per change"): the request row is
 * locked first (parallel approvers otherwise leave requests stuck with every step approved), the
 * use case checks the state table and changes the loaded rows, and the rows, their audit events,
 * their outbox events, the clocks and the idempotency key are written in one transaction.
 */
@Injectable()
export class RequestChanges {
  constructor(
    private readonly audit: AuditWriter,
    private readonly idempotency: IdempotencyStore,
    private readonly versions: ItemVersions,
    private readonly sla: SlaService,
    private readonly clock: Clock,
    private readonly licences: LicencesService,
    @Optional() private readonly live?: LiveBus,
  ) {}

  /**
   * Runs one action of an actor: locks the request, checks who may see it, lets `mutate` change the
   * loaded rows and record what it did, then writes them in the transaction that also holds the
   * idempotency key. Answers the request as it is after the change.
   */
  async run({ actor, id, path, input, key }: RequestCommand, mutate: Mutation): Promise<RequestView> {
    const context = idempotencyContextOf(actor.id, key, `POST /requests/${id}/${path}`, input);
    let written: { loaded: Loaded; change: Change } | undefined;
    const view = await this.idempotency.run(context, async (manager) => {
      const loaded = await loadVisibleRequest(manager, actor, id, true);
      const change = newChange(this.clock.now(), actor);
      await mutate(loaded, change, manager);
      const { extras, clocks } = await this.write(manager, loaded, change);
      written = { loaded, change };
      return toRequestView(loaded.request, loaded.steps, await slaViews(this.sla, clocks, change.now), extras);
    });
    // Committed: the consoles watching the request hear of it now (the relay tells them again later).
    if (written) {
      const { loaded, change } = written;
      this.live?.publish(liveMessagesOf(loaded.request, loaded.steps, change.events, change.now));
    }
    return view;
  }

  /** The request row locked (FOR UPDATE), for what the system does by rule inside its own transaction. */
  lock(manager: EntityManager, requestId: string): Promise<ServiceRequest | null> {
    return manager
      .createQueryBuilder(ServiceRequest, 'r')
      .where('r.id = :id', { id: requestId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /**
   * Writes the change: the request's row, the steps it moved, its audit rows, then the clocks, whose
   * outbox insert carries the change's events before the clocks' own.
   */
  async write(
    manager: EntityManager,
    { request, steps, auditHead }: Loaded,
    change: Change,
  ): Promise<{ extras: RequestExtras; clocks: SlaClock[] }> {
    request.updatedAt = change.now;
    await manager.query(
      `UPDATE service_requests SET status = ?, hall_code = ?, materials = ?, supplement = ?, outcome_reason = ?,
         accepted_at = ?, completed_at = ?, ended_at = ?, updated_at = ? WHERE id = ?`,
      [
        request.status,
        request.hallCode,
        JSON.stringify(request.materials),
        request.supplement ? JSON.stringify(request.supplement) : null,
        request.outcomeReason,
        request.acceptedAt,
        request.completedAt,
        request.endedAt,
        request.updatedAt,
        request.id,
      ],
    );
    await writeSteps(manager, change.dirtySteps);
    if (change.completed) await this.issueLicences(manager, request, steps, change);
    // Every audit of a change is on its request, whose chain its submission began.
    await this.audit.appendMany(manager, change.audits, {
      subjectsExist: change.audits.every((a) => a.subjectType === 'request' && a.subjectId === String(request.id)),
      locked: auditHead ? [auditHead] : [],
    });
    return this.syncClocks(manager, request, steps, change.now, {
      requestFrom: change.requestClockFrom,
      events: change.events,
    });
  }

  /**
   * 证照同发: every output of the completed request becomes a licence, in the completion's
   * transaction, each on the request's timeline; valid for the years its matter's output says.
   */
  private async issueLicences(
    manager: EntityManager,
    request: ServiceRequest,
    steps: readonly RequestStep[],
    change: Change,
  ): Promise<void> {
    const version = await this.versions.byId(request.itemVersionId, manager);
    const validity = new Map(version.steps.map((s) => [s.key, s.output.validForYears]));
    const issued = await this.licences.issue(
      manager,
      steps.map((step) => ({
        requestId: String(request.id),
        stepKey: step.stepKey,
        number: step.outputNumber ?? `${request.number}-${step.stepKey}`,
        kind: step.outputKind,
        name: step.outputName,
        departmentCode: step.departmentCode,
        matterCode: step.matterCode,
        holderUscc: request.companyUscc,
        validForYears: validity.get(step.stepKey),
      })),
      change.now,
    );
    // On the timeline before the completion they are part of: request.completed stays its last event.
    const completion = change.audits.findIndex((a) => a.action === 'request.completed');
    const at = completion === -1 ? change.audits.length : completion;
    change.audits.splice(
      at,
      0,
      ...issued.map((licence) => ({
        subjectType: 'request',
        subjectId: String(request.id),
        action: 'licence.issued',
        actor: change.actor ? { id: change.actor.id, role: change.actor.role, username: change.actor.username } : null,
        payload: {
          licenceId: String(licence.id),
          stepKey: licence.stepKey,
          number: licence.number,
          name: licence.name,
          validUntil: licence.validUntil ? formatInstant(licence.validUntil) : null,
        },
      })),
    );
  }

  /**
   * Starts, stops and moves the request's clocks to fit its state as of `at` (clock-plan.ts); a
   * request clock started now counts from `options.requestFrom` when given, and `options.events`
   * (the change's own outbox events) are written with the clocks' ones, first.
   */
  async syncClocks(
    manager: EntityManager,
    request: ServiceRequest,
    steps: readonly RequestStep[],
    at: Date,
    options: ClockSyncOptions = {},
  ): Promise<{ extras: RequestExtras; clocks: SlaClock[] }> {
    // The clocks are read with the request's other rows, under its lock: the sync need not read them again.
    const { extras, clocks: current } = await readDetails(manager, request, at);
    const clocks = await this.sla.sync(
      manager,
      String(request.id),
      shapeOf(request, steps, extras),
      () => this.versions.limitsOf(request.itemVersionId, manager),
      at,
      { ...options, clocks: current },
    );
    return { extras, clocks };
  }
}
