import {
  Clock,
  DEFAULT_PAGE_LIMIT,
  decodeCursor,
  DomainError,
  encodeCursor,
  formatInstant,
  type Page,
  validationFailed,
} from '#common';
import {
  AuditEvent,
  REQUEST_STATUSES,
  type RequestStatus,
  RequestStep,
  ServiceRequest,
  type StepStatus,
} from '#database';
import type { Actor } from '#identity';
import { SLA_STATE_SQL, SLA_STATES, type SlaState, SlaService } from '#sla';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.js';
import { readDetails, slaViews } from './request-details.js';
import { loadVisibleRequest, REQUEST_ID, scopeQuery } from './request-scope.js';
import {
  type RequestSummaryView,
  type RequestView,
  type TaskView,
  type TimelineEventView,
  toRequestSummaryView,
  toRequestView,
  toTimelineEventView,
} from './request-views.js';
import type { RequestFilters } from './requests.types.js';

/** A task's place in the list: (due time, request id, step key); a step key is at most 32 characters. */
const TASK_CURSOR = [REQUEST_ID, /^[\s\S]{0,32}$/];

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
  clock_id: string | number | null;
  due_key: Date;
}

/**
 * What the caller may see of requests (request-scope.ts): one request with its steps, outputs and
 * clocks, the list, a request's timeline, and an approver's tasks. Nothing here changes a row.
 */
@Injectable()
export class RequestReads {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sla: SlaService,
    private readonly clock: Clock,
  ) {}

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
      const sla = await slaViews(
        this.sla,
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
    const { loaded, clocks, extras } = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const visible = await loadVisibleRequest(manager, actor, id, false);
      return { loaded: visible, ...(await this.partsOf(manager, visible.request)) };
    });
    return toRequestView(loaded.request, loaded.steps, await slaViews(this.sla, clocks, this.clock.now()), extras);
  }

  /**
   * The request as GET /requests/{id} answers it (without the reader's `allowedActions`), read
   * with the caller's manager, in its transaction: the webhooks' payload, taken by the outbox relay.
   * No one's scope applies: the caller decides who is told. Null when there is no such request.
   */
  async viewIn(manager: EntityManager, id: string): Promise<RequestView | null> {
    if (!REQUEST_ID.test(id)) return null;
    const request = await manager.findOneBy(ServiceRequest, { id });
    if (!request) return null;
    const steps = await manager.find(RequestStep, { where: { requestId: request.id }, order: { position: 'ASC' } });
    const { clocks, extras } = await this.partsOf(manager, request);
    return toRequestView(request, steps, await slaViews(this.sla, clocks, this.clock.now()), extras);
  }

  /** What a request's view reads beside its row and steps: its clocks and the rows kept apart. */
  private partsOf(manager: EntityManager, request: ServiceRequest) {
    return readDetails(manager, request, this.clock.now());
  }

  /** The request's audit events, oldest first. */
  async timeline(
    actor: Actor,
    id: string,
    limit = DEFAULT_PAGE_LIMIT,
    cursor?: string,
  ): Promise<Page<TimelineEventView>> {
    const after = decodeCursor(cursor);
    const { request } = await loadVisibleRequest(this.dataSource.manager, actor, id, false);
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

  /** The active steps of the approver's (or the department's system's) department, longest waiting first. */
  async tasks(actor: Actor, limit = DEFAULT_PAGE_LIMIT, cursor?: string): Promise<Page<TaskView>> {
    if ((actor.role !== 'approver' && actor.role !== 'system') || !actor.departmentCode) {
      throw new DomainError('Forbidden', 'tasks are the steps of an approver’s department');
    }
    const after = decodeKeysetCursor(cursor, TASK_CURSOR);
    // Oldest due first: the step's open clock (its activation for a step older than the clocks).
    const due = 'COALESCE(c.due_at, s.activated_at)';
    const params: unknown[] = [actor.departmentCode];
    let keyset = '';
    if (after) {
      const [requestId, stepKey] = after.ids;
      keyset = `AND (${due} > ? OR (${due} = ? AND (s.request_id > ? OR (s.request_id = ? AND s.step_key > ?))))`;
      params.push(after.at, after.at, requestId, requestId, stepKey);
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
    )) as TaskRow[];
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
      nextCursor: rows.length > limit ? encodeKeysetCursor(last.due_key, String(last.request_id), last.step_key) : null,
    };
  }
}
