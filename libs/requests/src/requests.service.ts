import { type AuditEntry, AuditWriter } from '#audit';
import { topologicalOrder } from '#catalogue';
import {
  Clock,
  DEFAULT_PAGE_LIMIT,
  decodeCursor,
  DomainError,
  encodeCursor,
  formatInstant,
  notFound,
  type Page,
  retryOnDeadlock,
  validationFailed,
} from '#common';
import { normaliseUscc, usccProblemMessage } from '#companies';
import {
  AuditEvent,
  ItemVersion,
  type ItemStepSnapshot,
  REQUEST_STATUSES,
  type RequestStatus,
  RequestStep,
  ServiceRequest,
  type StepStatus,
} from '#database';
import type { Actor } from '#identity';
import {
  type ClockLimits,
  type ClockTimes,
  INTAKE_LIMIT,
  type RequestShape,
  type SlaClock,
  type SlaObject,
  SLA_STATE_SQL,
  SLA_STATES,
  type SlaState,
  SlaService,
} from '#sla';
import { type OutboxEntry, OutboxWriter } from '#queue';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { readEvaluation } from './evaluation-views.js';
import { followUpClockRuns, isEvaluable } from './follow-up-state.js';
import { idempotencyContextOf, IdempotencyStore } from './idempotency.js';
import { IntakeWriter, type SubmissionRows } from './intake-writer.js';
import { allocateRequestNumber } from './request-number.js';
import { loadVisibleRequest, REQUEST_ID, scopeQuery } from './request-scope.js';
import {
  allStepsApproved,
  isFinalRequestStatus,
  nextRequestStatus,
  nextStepStatus,
  type RequestAction,
  type StepAction,
  stepsToActivate,
} from './request-state.js';
import {
  type RequestExtras,
  type RequestSla,
  type RequestSummaryView,
  type RequestView,
  type TaskView,
  type TimelineEventView,
  toRequestSummaryView,
  toRequestView,
  toTimelineEventView,
} from './request-views.js';
import type {
  AcceptInput,
  ApproveInput,
  ExtensionInput,
  SpecialProcedureInput,
  NewRequest,
  ReasonInput,
  RequestFilters,
  SupplementInput,
  SupplementRequestInput,
} from './requests.types.js';

/** Published versions kept in memory; far more than a zone's catalogue has items. */
const PUBLISHED_VERSIONS_KEPT = 500;

/** The limits of a request's clocks, from the version it was submitted on. */
export function clockLimitsOf(version: ItemVersion): ClockLimits {
  return {
    calendarCode: version.calendarCode,
    warnShare: Number(version.warnShare),
    intake: version.intakeLimit,
    request: version.promisedLimit,
    steps: new Map(version.steps.map((s) => [s.key, { promised: s.promisedLimit, legal: s.legalLimit }])),
  };
}

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

/** What one action changed, written after it in the same transaction. */
interface Change {
  now: Date;
  audits: AuditEntry[];
  events: OutboxEntry[];
  dirtySteps: Set<RequestStep>;
}

interface Loaded {
  request: ServiceRequest;
  steps: RequestStep[];
}

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

function illegalRequest(request: ServiceRequest, action: RequestAction): DomainError {
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

function illegalStep(request: ServiceRequest, step: RequestStep, action: StepAction): DomainError {
  return new DomainError(
    'IllegalTransition',
    `step ${step.stepKey} of request ${request.number} is ${step.status}: cannot ${action.replace('_', ' ')} it`,
    { state: step.status },
  );
}

/** The actor as the audit records them; null for what the system does by rule (a deemed acceptance). */
const auditActor = (actor: Actor | null) =>
  actor ? { id: actor.id, role: actor.role, username: actor.username } : null;

function uniqueProblems(codes: readonly string[], what: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set(codes.filter((code) => seen.size === seen.add(code).size));
  return repeated.size ? [`${what} lists ${[...repeated].join(', ')} more than once`] : [];
}

/** A task cursor: the position of the last task seen in (activatedAt, requestId, stepKey) order. */
function encodeTaskCursor(task: { activatedAt: Date; requestId: string; stepKey: string }): string {
  return Buffer.from(JSON.stringify([task.activatedAt.getTime(), task.requestId, task.stepKey])).toString('base64url');
}

function decodeTaskCursor(
  cursor: string | undefined,
): { activatedAt: Date; requestId: string; stepKey: string } | null {
  if (cursor === undefined) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      Number.isSafeInteger(value[0]) &&
      value[0] >= 0 &&
      typeof value[1] === 'string' &&
      REQUEST_ID.test(value[1]) &&
      typeof value[2] === 'string' &&
      value[2].length <= 32
    ) {
      return { activatedAt: new Date(value[0] as number), requestId: value[1], stepKey: value[2] };
    }
  } catch {
    // falls through to the 400 below
  }
  throw validationFailed('cursor is not one this api returned');
}

interface TaskRow {
  request_id: string | number;
  step_key: string;
  matter_code: string;
  matter_name: string;
  department_code: string;
  status: StepStatus;
  activated_at: Date;
  number: string;
  item_code: string;
  company_uscc: string;
  request_status: RequestStatus;
}

/**
 * 办件: submission, intake, parallel approval along the version's DAG and outputs issued together.
 * Every action locks the request row first (DESIGN.md: parallel approvers otherwise leave requests
 * stuck with every step approved), checks the state table, and writes the change, its audit
 * events, its outbox events and its idempotency key in one transaction.
 */
@Injectable()
export class RequestsService {
  private readonly publishedVersions = new Map<string, ItemVersion>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly outbox: OutboxWriter,
    private readonly idempotency: IdempotencyStore,
    private readonly intake: IntakeWriter,
    private readonly sla: SlaService,
    private readonly clock: Clock,
  ) {}

  private idempotencyContext(actor: Actor, key: string | undefined, operation: string, input: unknown) {
    return idempotencyContextOf(actor.id, key, operation, input);
  }

  // ---- submission ---------------------------------------------------------------------------

  async submit(actor: Actor, input: NewRequest, idempotencyKey?: string): Promise<RequestView> {
    const companyUscc = await this.companyOf(actor, input.onBehalfOf);
    const context = this.idempotencyContext(actor, idempotencyKey, 'POST /requests', input);
    if (context) {
      // Checked before a number is taken, so a replay leaves no gap in the day's numbers.
      const replay = await this.idempotency.find<RequestView>(context);
      if (replay) return replay.response;
    }

    const version = await this.latestPublished(input.itemCode);
    this.checkMaterials(version, input.materials);

    const now = this.clock.now();
    const intakeLimit = version.intakeLimit ?? INTAKE_LIMIT;
    const onBehalfOf = actor.role === 'clerk' ? companyUscc : null;
    const rows: SubmissionRows = {
      itemCode: version.itemCode,
      itemVersionId: String(version.id),
      itemVersion: Number(version.version),
      companyUscc,
      hallCode: actor.role === 'clerk' ? (actor.hallCode ?? null) : null,
      form: input.form,
      materials: input.materials,
      submittedBy: actor.id,
      onBehalfOf,
      submittedAt: now,
      steps: this.stepsOf('0', version.steps),
      actor: { id: actor.id, role: actor.role, username: actor.username },
      auditPayload: {
        itemCode: version.itemCode,
        itemVersion: Number(version.version),
        materials: input.materials.map((m) => m.code),
        ...(onBehalfOf ? { agency: '代办' } : {}),
      },
    };
    const viewOf = (id: string, number: string, sla: RequestSla) =>
      toRequestView(
        Object.assign(new ServiceRequest(), {
          id,
          number,
          itemCode: rows.itemCode,
          itemVersionId: rows.itemVersionId,
          itemVersion: rows.itemVersion,
          companyUscc,
          hallCode: rows.hallCode,
          status: 'submitted' as const,
          form: input.form,
          materials: input.materials,
          supplement: null,
          outcomeReason: null,
          submittedBy: actor.id,
          onBehalfOf,
          submittedAt: now,
          acceptedAt: null,
          completedAt: null,
          endedAt: null,
          updatedAt: now,
        }),
        rows.steps.map((step) => Object.assign(new RequestStep(), { ...step, requestId: id })),
        sla,
      );

    const clockOf = (id: string, requestId: string, times: ClockTimes): SlaClock => ({
      ...times,
      id,
      requestId,
      kind: 'intake',
      stepKey: null,
      calendarCode: version.calendarCode,
      limit: intakeLimit,
      warnShare: Number(version.warnShare),
      generation: 0,
      calendarRevision: this.sla.revisionOf(version.calendarCode),
    });

    if (!context) {
      // The hot path: one round trip (IntakeWriter). A deadlock victim changed nothing: run it again.
      const warnShare = Number(version.warnShare);
      const times = await this.sla.times(version.calendarCode, now, intakeLimit, warnShare);
      rows.intakeClock = {
        calendarCode: version.calendarCode,
        calendarRevision: this.sla.revisionOf(version.calendarCode),
        limit: intakeLimit,
        warnShare,
        ...times,
      };
      const { id, number, clockId } = await retryOnDeadlock(() => this.intake.insert(rows));
      return viewOf(id, number, await this.slaOf([clockOf(clockId!, id, times)], now));
    }
    // With an Idempotency-Key the key commits with the request, through the idempotency store.
    const number = await allocateRequestNumber(this.dataSource, now);
    return this.idempotency.run(context, async (manager) => {
      const id = await this.insertSubmission(manager, rows, number);
      const clocks = await this.sla.sync(
        manager,
        id,
        { status: 'submitted', supplementStage: null, activeSteps: [] },
        () => this.limitsOf(rows.itemVersionId, manager),
        now,
      );
      return viewOf(id, number, await this.slaOf(clocks, now));
    });
  }

  /** The same rows as IntakeWriter writes, inside a transaction of the caller's. */
  private async insertSubmission(manager: EntityManager, rows: SubmissionRows, number: string): Promise<string> {
    const inserted = (await manager.query(
      `INSERT INTO service_requests (number, item_code, item_version_id, item_version, company_uscc, hall_code, status,
         form, materials, submitted_by, on_behalf_of, submitted_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?)`,
      [
        number,
        rows.itemCode,
        rows.itemVersionId,
        rows.itemVersion,
        rows.companyUscc,
        rows.hallCode,
        JSON.stringify(rows.form),
        JSON.stringify(rows.materials),
        rows.submittedBy,
        rows.onBehalfOf,
        rows.submittedAt,
        rows.submittedAt,
      ],
    )) as { insertId: number | string };
    const requestId = String(inserted.insertId);
    await manager.query(
      `INSERT INTO request_steps (request_id, step_key, position, matter_code, matter_name, department_code, depends_on,
         status, output_kind, output_name) VALUES ${rows.steps.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      rows.steps.flatMap((s) => [
        requestId,
        s.stepKey,
        s.position,
        s.matterCode,
        s.matterName,
        s.departmentCode,
        JSON.stringify(s.dependsOn),
        'waiting',
        s.outputKind,
        s.outputName,
      ]),
    );
    await this.audit.append(manager, {
      subjectType: 'request',
      subjectId: requestId,
      action: 'request.submitted',
      statusFrom: null,
      statusTo: 'submitted',
      actor: rows.actor,
      onBehalfOf: rows.onBehalfOf,
      payload: { ...rows.auditPayload, number } as AuditEntry['payload'],
    });
    await this.outbox.add(manager, 'request.submitted', { requestId });
    return requestId;
  }

  /**
   * The version new requests start on. Only its id is read each time; the version itself is
   * published, so it never changes and is kept in memory by id.
   */
  private async latestPublished(itemCode: string): Promise<ItemVersion> {
    const rows = (await this.dataSource.query(
      "SELECT id FROM item_versions WHERE item_code = ? AND status = 'published' ORDER BY version DESC LIMIT 1",
      [itemCode],
    )) as { id: string | number }[];
    if (rows.length === 0) throw notFound(`published item ${itemCode}`);
    const id = String(rows[0].id);
    let version = this.publishedVersions.get(id);
    if (!version) {
      version = (await this.dataSource.getRepository(ItemVersion).findOneBy({ id, status: 'published' }))!;
      if (this.publishedVersions.size >= PUBLISHED_VERSIONS_KEPT) this.publishedVersions.clear();
      this.publishedVersions.set(id, version);
    }
    return version;
  }

  /**
   * An applicant submits for their own company; a clerk for the company named in onBehalfOf (代办).
   * A null onBehalfOf is no onBehalfOf, as for every optional field (validation lets null through).
   */
  private async companyOf(actor: Actor, onBehalfOf: string | null | undefined): Promise<string> {
    if (actor.role === 'applicant') {
      if (onBehalfOf != null) {
        throw new DomainError('Forbidden', 'onBehalfOf is for clerks only: an applicant submits for their own company');
      }
      return actor.companyUscc!;
    }
    if (actor.role !== 'clerk') throw new DomainError('Forbidden', 'only applicants and clerks submit requests');
    if (onBehalfOf == null) {
      throw validationFailed(
        'onBehalfOf is required: a clerk submits on behalf of a company (代办), named by its USCC',
      );
    }
    const uscc = normaliseUscc(onBehalfOf);
    const problem = usccProblemMessage(uscc);
    if (problem) throw validationFailed(`onBehalfOf: ${problem}`);
    const rows = (await this.dataSource.query('SELECT 1 AS found FROM companies WHERE uscc = ?', [uscc])) as unknown[];
    if (rows.length === 0) throw notFound(`company ${uscc}`);
    return uscc;
  }

  /** 一次告知: every material must be on the item's checklist, once, and every required one present. */
  private checkMaterials(version: ItemVersion, materials: NewRequest['materials']): void {
    const onChecklist = new Map(version.checklist.map((entry) => [entry.code, entry]));
    const codes = materials.map((m) => m.code);
    const problems = uniqueProblems(codes, 'materials');
    const unknown = codes.filter((code) => !onChecklist.has(code));
    if (unknown.length) {
      problems.push(`materials not on the checklist of ${version.itemCode}: ${[...new Set(unknown)].join(', ')}`);
    }
    const given = new Set(codes);
    const missing = version.checklist.filter((entry) => entry.required && !given.has(entry.code)).map((e) => e.code);
    if (missing.length) problems.push(`missing required materials: ${missing.join(', ')}`);
    if (problems.length) throw validationFailed(problems);
  }

  /** The request's steps, copied from its version in topological order, all waiting. */
  private stepsOf(requestId: string, snapshot: readonly ItemStepSnapshot[]): RequestStep[] {
    const byKey = new Map(snapshot.map((step) => [step.key, step]));
    return topologicalOrder(snapshot).map((key, position) => {
      const step = byKey.get(key)!;
      return Object.assign(new RequestStep(), {
        requestId,
        stepKey: step.key,
        position,
        matterCode: step.matterCode,
        matterName: step.matterName,
        departmentCode: step.departmentCode,
        dependsOn: [...step.dependsOn],
        status: 'waiting' as const,
        activatedAt: null,
        decidedAt: null,
        decidedBy: null,
        decisionNote: null,
        outputKind: step.output.kind,
        outputName: step.output.name,
        outputNumber: null,
        issuedAt: null,
      });
    });
  }

  // ---- reading ------------------------------------------------------------------------------

  async list(
    actor: Actor,
    filters: RequestFilters,
    limit = DEFAULT_PAGE_LIMIT,
    cursor?: string,
  ): Promise<Page<RequestSummaryView>> {
    const before = decodeCursor(cursor);
    if (filters.status !== undefined && !(REQUEST_STATUSES as readonly string[]).includes(filters.status)) {
      throw validationFailed(`status must be one of ${REQUEST_STATUSES.join(', ')}`);
    }
    const query = this.dataSource
      .getRepository(ServiceRequest)
      .createQueryBuilder('r')
      .orderBy('r.id', 'DESC')
      .limit(limit + 1);
    scopeQuery(query, actor);
    if (filters.status !== undefined) query.andWhere('r.status = :status', { status: filters.status });
    if (filters.itemCode !== undefined) query.andWhere('r.item_code = :itemCode', { itemCode: filters.itemCode });
    if (filters.slaState !== undefined) {
      const condition = SLA_STATE_SQL[filters.slaState as SlaState];
      if (!condition) throw validationFailed(`slaState must be one of ${SLA_STATES.join(', ')}`);
      // The request's clock is its latest request or intake clock; its state is read as slaView reads it.
      query.andWhere(
        `EXISTS (SELECT 1 FROM sla_clocks c WHERE c.id = (SELECT MAX(c2.id) FROM sla_clocks c2
           WHERE c2.request_id = r.id AND c2.kind IN ('intake', 'request')) AND ${condition})`,
        { slaNow: this.clock.now() },
      );
    }
    if (before) query.andWhere('r.id < :before', { before });
    const rows = await query.getMany();
    const page = rows.slice(0, limit);
    const clocks = await this.sla.clocksOf(
      this.dataSource.manager,
      page.map((r) => String(r.id)),
    );
    const now = this.clock.now();
    const items: RequestSummaryView[] = [];
    for (const row of page) {
      const sla = await this.slaOf(
        clocks.filter((c) => c.requestId === String(row.id)),
        now,
      );
      items.push(toRequestSummaryView(row, sla.request));
    }
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
  }

  async get(actor: Actor, id: string): Promise<RequestView> {
    // One snapshot for the request and its steps: a completion committed between two reads would
    // otherwise show outputs on a request still in progress.
    const { request, steps, clocks, extras } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const loaded = await this.loadVisible(manager, actor, id, false);
      const requestId = String(loaded.request.id);
      return {
        ...loaded,
        clocks: await this.sla.clocksOf(manager, [requestId]),
        extras: await this.extrasOf(manager, loaded.request),
      };
    });
    return toRequestView(request, steps, await this.slaOf(clocks, this.clock.now()), extras);
  }

  /** The request's audit events, oldest first. */
  async timeline(
    actor: Actor,
    id: string,
    limit = DEFAULT_PAGE_LIMIT,
    cursor?: string,
  ): Promise<Page<TimelineEventView>> {
    const after = decodeCursor(cursor);
    const { request } = await this.loadVisible(this.dataSource.manager, actor, id, false);
    const query = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('a')
      .where('a.subject_type = :type AND a.subject_id = :id', { type: 'request', id: String(request.id) })
      .orderBy('a.id', 'ASC')
      .limit(limit + 1);
    if (after) query.andWhere('a.id > :after', { after });
    const rows = await query.getMany();
    const items = rows.slice(0, limit).map(toTimelineEventView);
    return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null };
  }

  /** The active steps of the approver's department, longest waiting first. */
  async tasks(actor: Actor, limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<TaskView>> {
    if (actor.role !== 'approver' || !actor.departmentCode) {
      throw new DomainError('Forbidden', 'tasks are the steps of an approver’s department');
    }
    const after = decodeTaskCursor(cursor);
    // Oldest due first: the step's open clock (its activation for a step older than the clocks).
    const due = 'COALESCE(c.due_at, s.activated_at)';
    const params: unknown[] = [actor.departmentCode];
    let keyset = '';
    if (after) {
      keyset = `AND (${due} > ? OR (${due} = ? AND (s.request_id > ? OR (s.request_id = ? AND s.step_key > ?))))`;
      params.push(after.activatedAt, after.activatedAt, after.requestId, after.requestId, after.stepKey);
    }
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT s.request_id, s.step_key, s.matter_code, s.matter_name, s.department_code, s.status, s.activated_at,
              r.number, r.item_code, r.company_uscc, r.status AS request_status, c.id AS clock_id, ${due} AS due_key
         FROM request_steps s JOIN service_requests r ON r.id = s.request_id
         LEFT JOIN sla_clocks c ON c.request_id = s.request_id AND c.kind = 'step' AND c.step_key = s.step_key
              AND c.stopped_at IS NULL
        WHERE s.department_code = ? AND s.status = 'active' ${keyset}
        ORDER BY due_key, s.request_id, s.step_key
        LIMIT ?`,
      params,
    )) as (TaskRow & { clock_id: string | number | null; due_key: Date })[];
    const page = rows.slice(0, limit);
    const clocks = await this.sla.clocksById(page.flatMap((row) => (row.clock_id ? [String(row.clock_id)] : [])));
    const now = this.clock.now();
    const items: TaskView[] = [];
    for (const row of page) {
      const stepClock = clocks.find((c) => c.id === String(row.clock_id));
      items.push({
        requestId: String(row.request_id),
        requestNumber: row.number,
        itemCode: row.item_code,
        companyUscc: row.company_uscc,
        requestStatus: row.request_status,
        stepKey: row.step_key,
        matterCode: row.matter_code,
        matterName: row.matter_name,
        departmentCode: row.department_code,
        status: row.status,
        activatedAt: formatInstant(row.activated_at),
        sla: stepClock ? await this.sla.view(stepClock, now) : null,
      });
    }
    const last = page[page.length - 1];
    return {
      items,
      nextCursor:
        rows.length > limit
          ? encodeTaskCursor({ activatedAt: last.due_key, requestId: String(last.request_id), stepKey: last.step_key })
          : null,
    };
  }

  // ---- the hall's intake --------------------------------------------------------------------

  accept(actor: Actor, id: string, input: AcceptInput, key?: string): Promise<RequestView> {
    const deferred = input.deferredMaterials ?? [];
    return this.act(
      actor,
      id,
      key,
      `POST /requests/${id}/accept`,
      input,
      async ({ request, steps }, change, manager) => {
        this.moveRequest(
          request,
          'accept',
          actor,
          change,
          deferred.length
            ? { deferredMaterials: deferred.map((d) => ({ code: d.code, dueInWorkingDays: d.dueInWorkingDays })) }
            : {},
        );
        request.hallCode ??= actor.hallCode ?? null;
        request.acceptedAt = change.now;
        if (deferred.length) await this.deferMaterials(manager, request, deferred, change.now);
        this.activateReady(request, steps, actor, change);
      },
    );
  }

  refuse(actor: Actor, id: string, input: ReasonInput, key?: string): Promise<RequestView> {
    return this.act(actor, id, key, `POST /requests/${id}/refuse`, input, ({ request, steps }, change) => {
      this.moveRequest(request, 'refuse', actor, change, { reason: input.reason });
      request.hallCode ??= actor.hallCode ?? null;
      this.end(request, steps, input.reason, actor, change);
    });
  }

  requestSupplement(actor: Actor, id: string, input: SupplementRequestInput, key?: string): Promise<RequestView> {
    return this.act(
      actor,
      id,
      key,
      `POST /requests/${id}/supplement-requests`,
      input,
      async ({ request }, change, manager) => {
        const version = await this.versionById(request.itemVersionId, manager);
        this.checkAskedMaterials(input.materials, new Set(version.checklist.map((e) => e.code)), version.itemCode);
        this.moveRequest(request, 'request_supplement', actor, change, {
          materials: input.materials,
          note: input.note,
        });
        request.hallCode ??= actor.hallCode ?? null;
        request.supplement = {
          stage: 'intake',
          stepKey: null,
          materials: input.materials,
          note: input.note,
          requestedBy: actor.id,
          requestedAt: formatInstant(change.now),
        };
      },
    );
  }

  // ---- the applicant ------------------------------------------------------------------------

  supply(actor: Actor, id: string, input: SupplementInput, key?: string): Promise<RequestView> {
    return this.act(
      actor,
      id,
      key,
      `POST /requests/${id}/supplements`,
      input,
      async ({ request, steps }, change, manager) => {
        if (request.status === 'in_progress') return this.supplyDeferred(manager, request, steps, input, actor, change);
        const asked = request.supplement;
        if (request.status !== 'supplement_required' || !asked) throw illegalRequest(request, 'supply');
        const version = await this.versionById(request.itemVersionId, manager);
        const codes = input.materials.map((m) => m.code);
        const onChecklist = new Set(version.checklist.map((e) => e.code));
        const problems = uniqueProblems(codes, 'materials');
        const unknown = codes.filter((code) => !onChecklist.has(code));
        if (unknown.length)
          problems.push(`materials not on the checklist of ${version.itemCode}: ${unknown.join(', ')}`);
        const missing = asked.materials.filter((code) => !codes.includes(code));
        if (missing.length) problems.push(`missing the materials asked for: ${missing.join(', ')}`);
        if (problems.length) throw validationFailed(problems);

        this.moveRequest(request, 'supply', actor, change, {
          materials: codes,
          stage: asked.stage,
          stepKey: asked.stepKey,
        });
        const supplied = new Map(input.materials.map((m) => [m.code, m]));
        request.materials = [
          ...request.materials.filter((m) => !supplied.has(m.code)),
          ...input.materials.map((m) => ({ code: m.code, reference: m.reference })),
        ];
        request.supplement = null;
      },
    );
  }

  withdraw(actor: Actor, id: string, key?: string): Promise<RequestView> {
    return this.act(actor, id, key, `POST /requests/${id}/withdraw`, {}, ({ request, steps }, change) => {
      this.moveRequest(request, 'withdraw', actor, change);
      this.end(request, steps, null, actor, change);
    });
  }

  // ---- departments --------------------------------------------------------------------------

  approveStep(actor: Actor, id: string, stepKey: string, input: ApproveInput, key?: string): Promise<RequestView> {
    return this.act(
      actor,
      id,
      key,
      `POST /requests/${id}/steps/${stepKey}/approve`,
      input,
      async ({ request, steps }, change, manager) => {
        const step = this.departmentStep(actor, request, steps, stepKey);
        if (!nextRequestStatus(request.status, 'approve_step', request.supplement?.stage ?? null)) {
          throw illegalRequest(request, 'approve_step');
        }
        const outputNumber = input.outputNumber ?? `${request.number}-${step.stepKey}`;
        this.moveStep(request, step, 'approve', actor, change, {
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
          if ((await this.outstandingDeferred(manager, String(request.id))).length === 0) {
            this.complete(request, steps, actor, change);
          }
        } else {
          this.activateReady(request, steps, actor, change);
        }
      },
    );
  }

  denyStep(actor: Actor, id: string, stepKey: string, input: ReasonInput, key?: string): Promise<RequestView> {
    return this.act(
      actor,
      id,
      key,
      `POST /requests/${id}/steps/${stepKey}/deny`,
      input,
      ({ request, steps }, change) => {
        const step = this.departmentStep(actor, request, steps, stepKey);
        if (!nextRequestStatus(request.status, 'deny_step', request.supplement?.stage ?? null)) {
          throw illegalRequest(request, 'deny_step');
        }
        this.moveStep(request, step, 'deny', actor, change, { reason: input.reason });
        step.decidedAt = change.now;
        step.decidedBy = actor.id;
        step.decisionNote = input.reason;
        change.events.push({ type: 'step.denied', data: { requestId: String(request.id), stepKey } });
        this.moveRequest(request, 'deny_step', actor, change, { stepKey, reason: input.reason });
        this.end(request, steps, input.reason, actor, change);
      },
    );
  }

  requestStepSupplement(
    actor: Actor,
    id: string,
    stepKey: string,
    input: SupplementRequestInput,
    key?: string,
  ): Promise<RequestView> {
    return this.act(
      actor,
      id,
      key,
      `POST /requests/${id}/steps/${stepKey}/supplement-requests`,
      input,
      async ({ request, steps }, change, manager) => {
        const step = this.departmentStep(actor, request, steps, stepKey);
        if (!nextRequestStatus(request.status, 'request_step_supplement', request.supplement?.stage ?? null)) {
          throw illegalRequest(request, 'request_step_supplement');
        }
        if (!nextStepStatus(step.status, 'request_supplement')) throw illegalStep(request, step, 'request_supplement');
        const version = await this.versionById(request.itemVersionId, manager);
        const matterMaterials = version.steps.find((s) => s.key === stepKey)?.materials ?? [];
        this.checkAskedMaterials(input.materials, new Set(matterMaterials.map((m) => m.code)), `step ${stepKey}`);
        this.moveRequest(request, 'request_step_supplement', actor, change, {
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
      },
    );
  }

  /** 延期 (行政许可法 Art. 42): once per request, a manager gives its clock up to ten working days more. */
  extend(actor: Actor, id: string, input: ExtensionInput, key?: string): Promise<RequestView> {
    return this.act(actor, id, key, `POST /requests/${id}/extensions`, input, async ({ request }, change, manager) => {
      const granted = (await manager.query('SELECT request_id FROM request_extensions WHERE request_id = ?', [
        request.id,
      ])) as unknown[];
      if (granted.length > 0) {
        throw new DomainError('IllegalTransition', `request ${request.number} was already extended: once per request`, {
          state: request.status,
        });
      }
      this.moveRequest(request, 'extend', actor, change, { workingDays: input.workingDays, reason: input.reason });
      const moved = await this.sla.extend(manager, String(request.id), input.workingDays);
      if (!moved) throw illegalRequest(request, 'extend');
      await manager.query(
        'INSERT INTO request_extensions (request_id, working_days, reason, granted_by, granted_at) VALUES (?, ?, ?, ?, ?)',
        [request.id, input.workingDays, input.reason, actor.id, change.now],
      );
    });
  }

  /** 特别程序: a step's clock, and the request's, stop until `endsAt` (hearing, testing, expert review…). */
  startSpecialProcedure(
    actor: Actor,
    id: string,
    stepKey: string,
    input: SpecialProcedureInput,
    key?: string,
  ): Promise<RequestView> {
    return this.act(
      actor,
      id,
      key,
      `POST /requests/${id}/steps/${stepKey}/special-procedures`,
      input,
      async ({ request, steps }, change, manager) => {
        const step = this.departmentStep(actor, request, steps, stepKey);
        if (request.status !== 'in_progress') throw illegalRequest(request, 'approve_step');
        if (step.status !== 'active') throw illegalStep(request, step, 'request_supplement');
        const endsAt = new Date(input.endsAt);
        if (!(endsAt > change.now)) throw validationFailed('endsAt must be in the future');
        if (endsAt.getTime() - change.now.getTime() > 366 * 86_400_000) {
          throw validationFailed('endsAt must be within a year');
        }
        const ongoing = (await manager.query(
          'SELECT id FROM special_procedures WHERE request_id = ? AND step_key = ? AND ended_at IS NULL',
          [request.id, stepKey],
        )) as unknown[];
        if (ongoing.length > 0) {
          throw new DomainError('IllegalTransition', `step ${stepKey} is already in a special procedure`, {
            state: 'special_procedure',
          });
        }
        const inserted = (await manager.query(
          `INSERT INTO special_procedures (request_id, step_key, reason, started_at, ends_at, created_by)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [request.id, stepKey, input.reason, change.now, endsAt, actor.id],
        )) as { insertId: number | string };
        this.moveStep(request, step, 'request_supplement', actor, change, {
          specialProcedure: input.reason,
          endsAt: formatInstant(endsAt),
        });
        change.audits[change.audits.length - 1].action = 'step.special-procedure-started';
        change.events.push({ type: 'sla.procedure-started', data: { procedureId: String(inserted.insertId) } });
      },
    );
  }

  /**
   * 行政许可法 Art. 32: an application neither accepted, refused nor sent back for materials within
   * the intake limit is deemed accepted. Called when the intake clock's overdue is recorded; does
   * nothing for a request decided meanwhile or whose intake clock is not overdue.
   */
  async deemAccepted(requestId: string): Promise<boolean> {
    if (!REQUEST_ID.test(requestId)) return false;
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const request = await manager
        .createQueryBuilder(ServiceRequest, 'r')
        .where('r.id = :id', { id: requestId })
        .setLock('pessimistic_write')
        .getOne();
      if (!request || request.status !== 'submitted') return false;
      const clocks = await this.sla.clocksOf(manager, [requestId]);
      const intake = clocks.filter((c) => c.kind === 'intake').at(-1);
      const now = this.clock.now();
      if (!intake || intake.stoppedAt || (!intake.overdueAt && now < intake.dueAt)) return false;
      const steps = await manager.find(RequestStep, { where: { requestId: request.id }, order: { position: 'ASC' } });
      const change: Change = { now, audits: [], events: [], dirtySteps: new Set() };
      this.moveRequest(request, 'accept', null, change, {
        deemed: true,
        rule: '行政许可法 Art. 32: not decided within the intake limit',
        intakeDueAt: formatInstant(intake.dueAt),
      });
      request.acceptedAt = now;
      this.activateReady(request, steps, null, change);
      await this.persist(manager, { request, steps }, change);
      const extras = await this.extrasOf(manager, request);
      await this.sla.sync(
        manager,
        requestId,
        shapeOf(request, steps, extras),
        () => this.limitsOf(request.itemVersionId, manager),
        now,
      );
      return true;
    });
  }

  /**
   * A special procedure reached its end (the worker's timer or reconciliation): the clocks count
   * again from its end, however late the timer runs. Does nothing for one ended already or not due.
   */
  async endSpecialProcedure(procedureId: string): Promise<boolean> {
    if (!REQUEST_ID.test(procedureId)) return false;
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const [peek] = (await manager.query('SELECT request_id FROM special_procedures WHERE id = ?', [procedureId])) as {
        request_id: string | number;
      }[];
      if (!peek) return false;
      const request = await manager
        .createQueryBuilder(ServiceRequest, 'r')
        .where('r.id = :id', { id: String(peek.request_id) })
        .setLock('pessimistic_write')
        .getOne();
      const [procedure] = (await manager.query(
        'SELECT step_key, ends_at, ended_at FROM special_procedures WHERE id = ? FOR UPDATE',
        [procedureId],
      )) as { step_key: string; ends_at: Date; ended_at: Date | null }[];
      if (!request || procedure.ended_at || procedure.ends_at > this.clock.now()) return false;
      const at = procedure.ends_at;
      await manager.query('UPDATE special_procedures SET ended_at = ? WHERE id = ?', [at, procedureId]);
      await this.audit.append(manager, {
        subjectType: 'request',
        subjectId: String(request.id),
        action: 'step.special-procedure-ended',
        actor: null,
        payload: { stepKey: procedure.step_key, procedureId, endedAt: formatInstant(at) },
      });
      const steps = await manager.find(RequestStep, { where: { requestId: request.id } });
      const extras = await this.extrasOf(manager, request);
      await this.sla.sync(
        manager,
        String(request.id),
        shapeOf(request, steps, extras),
        () => this.limitsOf(request.itemVersionId, manager),
        at,
      );
      return true;
    });
  }

  /** Special procedures past their end and not ended yet, and those still running with their ends. */
  async specialProcedures(): Promise<{ due: string[]; running: { id: string; endsAt: Date }[] }> {
    const rows = (await this.dataSource.query(
      'SELECT id, ends_at FROM special_procedures WHERE ended_at IS NULL ORDER BY ends_at',
    )) as { id: string | number; ends_at: Date }[];
    const now = this.clock.now();
    return {
      due: rows.filter((r) => r.ends_at <= now).map((r) => String(r.id)),
      running: rows.filter((r) => r.ends_at > now).map((r) => ({ id: String(r.id), endsAt: r.ends_at })),
    };
  }

  // ---- the machinery ------------------------------------------------------------------------

  /**
   * Runs one action: locks the request, checks who may see it, lets `mutate` change the loaded
   * rows and record what it did, then writes rows, audit and outbox events in the transaction
   * that also holds the idempotency key.
   */
  private async act(
    actor: Actor,
    id: string,
    idempotencyKey: string | undefined,
    operation: string,
    input: unknown,
    mutate: (loaded: Loaded, change: Change, manager: EntityManager) => void | Promise<void>,
  ): Promise<RequestView> {
    const context = this.idempotencyContext(actor, idempotencyKey, operation, input);
    return this.idempotency.run(context, async (manager) => {
      const loaded = await this.loadVisible(manager, actor, id, true);
      const change: Change = { now: this.clock.now(), audits: [], events: [], dirtySteps: new Set() };
      await mutate(loaded, change, manager);
      await this.persist(manager, loaded, change);
      const extras = await this.extrasOf(manager, loaded.request);
      const clocks = await this.sla.sync(
        manager,
        String(loaded.request.id),
        shapeOf(loaded.request, loaded.steps, extras),
        () => this.limitsOf(loaded.request.itemVersionId, manager),
        change.now,
      );
      return toRequestView(loaded.request, loaded.steps, await this.slaOf(clocks, change.now), extras);
    });
  }

  /** Deferred materials, the extension, the special procedures and the evaluation of a request. */
  private async extrasOf(manager: EntityManager, request: ServiceRequest): Promise<RequestExtras> {
    const requestId = String(request.id);
    const deferred = (await manager.query(
      'SELECT code, due_at, supplied_at FROM deferred_materials WHERE request_id = ? ORDER BY due_at, code',
      [requestId],
    )) as { code: string; due_at: Date; supplied_at: Date | null }[];
    const [extension] = (await manager.query(
      'SELECT working_days, reason, granted_at FROM request_extensions WHERE request_id = ?',
      [requestId],
    )) as { working_days: number; reason: string; granted_at: Date }[];
    const procedures = (await manager.query(
      'SELECT id, step_key, reason, started_at, ends_at, ended_at FROM special_procedures WHERE request_id = ? ORDER BY id',
      [requestId],
    )) as {
      id: string | number;
      step_key: string;
      reason: string;
      started_at: Date;
      ends_at: Date;
      ended_at: Date | null;
    }[];
    return {
      deferredMaterials: deferred.map((d) => ({
        code: d.code,
        dueAt: formatInstant(d.due_at),
        suppliedAt: d.supplied_at ? formatInstant(d.supplied_at) : null,
      })),
      extension: extension
        ? {
            workingDays: Number(extension.working_days),
            reason: extension.reason,
            grantedAt: formatInstant(extension.granted_at),
          }
        : null,
      specialProcedures: procedures.map((p) => ({
        id: String(p.id),
        stepKey: p.step_key,
        reason: p.reason,
        startedAt: formatInstant(p.started_at),
        endsAt: formatInstant(p.ends_at),
        endedAt: p.ended_at ? formatInstant(p.ended_at) : null,
      })),
      // Only a request that ended with a decision is rated: the others are not looked up.
      evaluation: isEvaluable(request.status) ? await readEvaluation(manager, requestId) : null,
    };
  }

  /** The limits of a request's clocks: its version's promised limits, each step's legal one too. */
  private async limitsOf(versionId: string, manager?: EntityManager): Promise<ClockLimits> {
    return clockLimitsOf(await this.versionById(versionId, manager));
  }

  /** The views of a request's clocks: the latest of each, the request clock over the intake one, the follow-up's. */
  private async slaOf(clocks: readonly SlaClock[], now: Date): Promise<RequestSla> {
    const latest = new Map<string, SlaClock>();
    for (const clock of clocks) latest.set(`${clock.kind}:${clock.stepKey ?? ''}`, clock);
    const requestClock = latest.get('request:') ?? latest.get('intake:');
    const steps = new Map<string, SlaObject>();
    for (const clock of latest.values()) {
      if (clock.kind === 'step' && clock.stepKey) steps.set(clock.stepKey, await this.sla.view(clock, now));
    }
    const followUp = latest.get('follow-up:');
    return {
      request: requestClock ? await this.sla.view(requestClock, now) : null,
      steps,
      followUp: followUp ? await this.sla.view(followUp, now) : null,
    };
  }

  /** A published version by id, kept in memory: published versions never change. */
  private async versionById(id: string, manager: EntityManager = this.dataSource.manager): Promise<ItemVersion> {
    let version = this.publishedVersions.get(id);
    if (!version) {
      // Inside a transaction, on its own connection: never wait for a second pooled one.
      const row = await manager.getRepository(ItemVersion).findOneBy({ id });
      if (!row) throw new Error(`item version ${id} is missing`);
      version = row;
      if (row.status === 'published') {
        if (this.publishedVersions.size >= PUBLISHED_VERSIONS_KEPT) this.publishedVersions.clear();
        this.publishedVersions.set(id, row);
      }
    }
    return version;
  }

  private loadVisible(manager: EntityManager, actor: Actor, id: string, lock: boolean): Promise<Loaded> {
    return loadVisibleRequest(manager, actor, id, lock);
  }

  /** The approver's own step; another department's step is not theirs, so it is not found. */
  private departmentStep(actor: Actor, request: ServiceRequest, steps: RequestStep[], stepKey: string): RequestStep {
    const step = steps.find((s) => s.stepKey === stepKey);
    if (!step || step.departmentCode !== actor.departmentCode) {
      throw notFound(`step ${stepKey} of request ${request.id}`);
    }
    return step;
  }

  private checkAskedMaterials(materials: readonly string[], allowed: ReadonlySet<string>, where: string): void {
    const problems = uniqueProblems(materials, 'materials');
    const unknown = materials.filter((code) => !allowed.has(code));
    if (unknown.length) problems.push(`materials not asked by ${where}: ${[...new Set(unknown)].join(', ')}`);
    if (problems.length) throw validationFailed(problems);
  }

  private moveRequest(
    request: ServiceRequest,
    action: RequestAction,
    actor: Actor | null,
    change: Change,
    payload: Record<string, unknown> = {},
  ): void {
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
      actor: auditActor(actor),
      payload: payload as AuditEntry['payload'],
    });
    change.events.push({ type, data: { requestId: String(request.id) } });
  }

  private moveStep(
    request: ServiceRequest,
    step: RequestStep,
    action: StepAction,
    actor: Actor | null,
    change: Change,
    payload: Record<string, unknown> = {},
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
      actor: auditActor(actor),
      payload: { stepKey: step.stepKey, ...payload } as AuditEntry['payload'],
    });
  }

  /** 容缺受理: deferred materials handed in; the last one lets a request whose steps are all approved complete. */
  private async supplyDeferred(
    manager: EntityManager,
    request: ServiceRequest,
    steps: RequestStep[],
    input: SupplementInput,
    actor: Actor,
    change: Change,
  ): Promise<void> {
    const outstanding = await this.outstandingDeferred(manager, String(request.id));
    if (outstanding.length === 0) throw illegalRequest(request, 'supply');
    const codes = input.materials.map((m) => m.code);
    const problems = uniqueProblems(codes, 'materials');
    const unexpected = codes.filter((code) => !outstanding.includes(code));
    if (unexpected.length) {
      problems.push(
        `materials not deferred or already in: ${unexpected.join(', ')} (outstanding: ${outstanding.join(', ')})`,
      );
    }
    if (problems.length) throw validationFailed(problems);
    this.moveRequest(request, 'supply_deferred', actor, change, { materials: codes, deferred: true });
    for (const material of input.materials) {
      await manager.query(
        'UPDATE deferred_materials SET supplied_at = ?, reference = ? WHERE request_id = ? AND code = ?',
        [change.now, material.reference, request.id, material.code],
      );
    }
    const supplied = new Set(codes);
    request.materials = [
      ...request.materials.filter((m) => !supplied.has(m.code)),
      ...input.materials.map((m) => ({ code: m.code, reference: m.reference })),
    ];
    if (outstanding.length === codes.length && allStepsApproved(steps)) this.complete(request, steps, actor, change);
  }

  /** 证照同发: every output is issued at the same instant, with the completion. */
  private complete(request: ServiceRequest, steps: RequestStep[], actor: Actor, change: Change): void {
    this.moveRequest(request, 'complete', actor, change, {
      outputs: steps.map((s) => ({ stepKey: s.stepKey, kind: s.outputKind, number: s.outputNumber })),
    });
    request.completedAt = change.now;
    request.endedAt = change.now;
    for (const s of steps) {
      s.issuedAt = change.now;
      change.dirtySteps.add(s);
    }
  }

  /** 容缺受理: non-key checklist materials, each due within its working days from acceptance. */
  private async deferMaterials(
    manager: EntityManager,
    request: ServiceRequest,
    deferred: NonNullable<AcceptInput['deferredMaterials']>,
    at: Date,
  ): Promise<void> {
    const version = await this.versionById(request.itemVersionId, manager);
    const entries = new Map(version.checklist.map((e) => [e.code, e]));
    const codes = deferred.map((d) => d.code);
    const problems = uniqueProblems(codes, 'deferredMaterials');
    const unknown = codes.filter((code) => !entries.has(code));
    if (unknown.length)
      problems.push(`deferredMaterials not on the checklist of ${version.itemCode}: ${unknown.join(', ')}`);
    const key = codes.filter((code) => entries.get(code)?.key);
    if (key.length) problems.push(`key materials cannot be deferred (容缺 is for non-key ones): ${key.join(', ')}`);
    if (problems.length) throw validationFailed(problems);
    const values: unknown[] = [];
    for (const d of deferred) {
      const dueAt = await this.sla.dueAfter(version.calendarCode, at, {
        value: d.dueInWorkingDays,
        unit: 'workingDays',
      });
      values.push(request.id, d.code, dueAt);
    }
    await manager.query(
      `INSERT INTO deferred_materials (request_id, code, due_at) VALUES ${deferred.map(() => '(?, ?, ?)').join(', ')}`,
      values,
    );
  }

  private async outstandingDeferred(manager: EntityManager, requestId: string): Promise<string[]> {
    const rows = (await manager.query(
      'SELECT code FROM deferred_materials WHERE request_id = ? AND supplied_at IS NULL',
      [requestId],
    )) as { code: string }[];
    return rows.map((r) => r.code);
  }

  /** 并联审批: every waiting step whose dependencies are all approved becomes active now. */
  private activateReady(request: ServiceRequest, steps: RequestStep[], actor: Actor | null, change: Change): void {
    for (const key of stepsToActivate(steps)) {
      const step = steps.find((s) => s.stepKey === key)!;
      this.moveStep(request, step, 'activate', actor, change);
      step.activatedAt = change.now;
      change.events.push({ type: 'step.activated', data: { requestId: String(request.id), stepKey: key } });
    }
  }

  /** A request that ends otherwise than completed: its undecided steps are cancelled. */
  private end(
    request: ServiceRequest,
    steps: RequestStep[],
    reason: string | null,
    actor: Actor,
    change: Change,
  ): void {
    request.endedAt = change.now;
    request.outcomeReason = reason;
    request.supplement = null;
    for (const step of steps) {
      if (step.status === 'waiting' || step.status === 'active') {
        this.moveStep(request, step, 'cancel', actor, change);
      }
    }
    if (!isFinalRequestStatus(request.status)) throw new Error(`request ${request.id} ended as ${request.status}`);
  }

  private async persist(manager: EntityManager, { request }: Loaded, change: Change): Promise<void> {
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
    for (const step of change.dirtySteps) {
      await manager.query(
        `UPDATE request_steps SET status = ?, activated_at = ?, decided_at = ?, decided_by = ?, decision_note = ?,
           output_number = ?, issued_at = ? WHERE request_id = ? AND step_key = ?`,
        [
          step.status,
          step.activatedAt,
          step.decidedAt,
          step.decidedBy,
          step.decisionNote,
          step.outputNumber,
          step.issuedAt,
          step.requestId,
          step.stepKey,
        ],
      );
    }
    await this.audit.appendMany(manager, change.audits);
    await this.outbox.addMany(manager, change.events);
  }
}

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
