import { type AuditEntry, AuditWriter } from '#audit';
import { Clock, DEFAULT_PAGE_LIMIT, DomainError, notFound, type Page, validationFailed } from '#common';
import { ItemVersion, type ServiceRequest } from '#database';
import type { Actor } from '#identity';
import { type OutboxEntry, OutboxWriter } from '#queue';
import { type SlaClock, type SlaObject, SLA_STATE_SQL, SLA_STATES, type SlaState, SlaService } from '#sla';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type EvaluationView,
  type FollowUpListItemView,
  type FollowUpRow,
  readEvaluation,
  toEvaluationView,
  toFollowUpView,
} from './evaluation-views.js';
import {
  EVALUABLE_REQUEST_STATUSES,
  FOLLOW_UP_STATUSES,
  type FollowUpAction,
  followUpClockRuns,
  type FollowUpStatus,
  isEvaluable,
  nextFollowUpStatus,
  opensFollowUp,
} from './follow-up-state.js';
import { idempotencyContextOf, IdempotencyStore } from './idempotency.js';
import { clockLimitsOf } from './item-versions.js';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor.js';
import { loadVisibleRequest, REQUEST_ID } from './request-scope.js';

export interface EvaluationInput {
  score: number;
  comment?: string | null;
}

export interface FollowUpFilters {
  status?: string;
  /** The state of the follow-up's clock. */
  slaState?: string;
}

/** A follow-up's place in the list: its clock's due time (its opening, should a clock be missing). */
const DUE = 'COALESCE(c.due_at, f.opened_at)';
const COMMENT_MAX_CHARS = 500;
const NOTE_MAX_CHARS = 1000;
const codePoints = (text: string): number => [...text].length;

/** What each action records: its audit action and outbox event, the columns it fills, the input field. */
const ACTIONS = {
  verify: {
    event: 'follow-up.verified',
    at: 'verified_at',
    by: 'verified_by',
    text: 'verify_note',
    field: 'note',
    words: 'verify it',
  },
  rectify: {
    event: 'follow-up.rectified',
    at: 'rectified_at',
    by: 'rectified_by',
    text: 'rectify_note',
    field: 'note',
    words: 'record its rectification',
  },
  feedback: {
    event: 'follow-up.closed',
    at: 'closed_at',
    by: 'closed_by',
    text: 'feedback',
    field: 'message',
    words: 'feed it back to the applicant',
  },
} as const satisfies Record<FollowUpAction, { event: OutboxEntry['type']; field: string } & Record<string, string>>;

const ORDER: Record<FollowUpStatus, string> = {
  open: 'it is verified first',
  verified: 'it is rectified next',
  rectified: 'the applicant is told next',
  closed: 'it was fed back to the applicant already',
};

interface FollowUpListRow extends FollowUpRow {
  number: string;
  item_code: string;
  company_uscc: string;
  score: number;
  clock_id: string | number | null;
  due_key: Date;
}

/**
 * A manager of the follow-up's hall, or a zone-wide manager (no hall), who answers for every hall. A
 * follow-up is the hall's rectification of its service: a manager bound to a department has none.
 */
const managesHall = (actor: Actor, hallCode: string | null): boolean =>
  actor.role === 'manager' &&
  actor.departmentCode === undefined &&
  (actor.hallCode === undefined || actor.hallCode === hallCode);

const auditActor = (actor: Actor) => ({ id: actor.id, role: actor.role, username: actor.username });

/**
 * 好差评 and 整改: the applicant rates an ended request once; a 1 or 2 opens a follow-up for the
 * managers of the request's hall, with its own clock (an `sla_clocks` row of kind `follow-up`),
 * which they verify, rectify and feed back to the applicant. Every change locks the request row
 * first, like every other action on a request, and writes its rows, audit events, outbox events,
 * clock and idempotency key in one transaction.
 */
@Injectable()
export class EvaluationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditWriter,
    private readonly outbox: OutboxWriter,
    private readonly idempotency: IdempotencyStore,
    private readonly sla: SlaService,
    private readonly clock: Clock,
  ) {}

  private idempotencyContext(actor: Actor, key: string | undefined, operation: string, input: unknown) {
    return idempotencyContextOf(actor.id, key, operation, input);
  }

  /** The applicant's rating, once, of a request of their company that was completed, denied or refused. */
  evaluate(actor: Actor, id: string, input: EvaluationInput, key?: string): Promise<EvaluationView> {
    if (actor.role !== 'applicant') throw new DomainError('Forbidden', 'a request is rated by its applicant');
    const problems: string[] = [];
    if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) {
      problems.push('score must be an integer from 1 to 5');
    }
    const comment = input.comment ?? null;
    if (comment !== null && codePoints(comment) > COMMENT_MAX_CHARS) {
      problems.push(`comment must be shorter than or equal to ${COMMENT_MAX_CHARS} characters`);
    }
    if (problems.length) throw validationFailed(problems);
    const context = this.idempotencyContext(actor, key, `POST /requests/${id}/evaluation`, input);
    return this.idempotency.run(context, async (manager) => {
      const { request, steps } = await loadVisibleRequest(manager, actor, id, true);
      const requestId = String(request.id);
      if (!isEvaluable(request.status)) {
        throw new DomainError(
          'IllegalTransition',
          `request ${request.number} is ${request.status}: it is rated once it is ${EVALUABLE_REQUEST_STATUSES.join(', ')}`,
          { state: request.status },
        );
      }
      const earlier = await readEvaluation(manager, requestId, true);
      if (earlier) {
        throw new DomainError(
          'IllegalTransition',
          `request ${request.number} was rated already (${earlier.evaluation.score} of 5): once per request`,
          { state: 'evaluated' },
        );
      }
      const now = this.clock.now();
      const inserted = (await manager.query(
        `INSERT INTO evaluations (request_id, company_uscc, hall_code, item_code, score, comment, evaluated_by, evaluated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [requestId, request.companyUscc, request.hallCode, request.itemCode, input.score, comment, actor.id, now],
      )) as { insertId: number | string };
      const evaluationId = String(inserted.insertId);
      const audits: AuditEntry[] = [
        {
          subjectType: 'request',
          subjectId: requestId,
          action: 'request.evaluated',
          actor: auditActor(actor),
          payload: { score: input.score, ...(comment !== null ? { comment } : {}) },
        },
      ];
      const events: OutboxEntry[] = [];
      const opened = opensFollowUp(input.score);
      if (opened) {
        const followUp = (await manager.query(
          `INSERT INTO follow_ups (request_id, evaluation_id, hall_code, status, opened_at) VALUES (?, ?, ?, 'open', ?)`,
          [requestId, evaluationId, request.hallCode, now],
        )) as { insertId: number | string };
        const followUpId = String(followUp.insertId);
        audits.push({
          subjectType: 'request',
          subjectId: requestId,
          action: 'follow-up.opened',
          statusFrom: null,
          statusTo: 'open',
          actor: auditActor(actor),
          payload: { followUpId, score: input.score, hallCode: request.hallCode },
        });
        events.push({ type: 'follow-up.opened', data: { requestId, followUpId } });
      }
      await this.audit.appendMany(manager, audits);
      await this.outbox.addMany(manager, events);
      const clocks = await this.syncClock(manager, request, steps, opened, now);
      const record = (await readEvaluation(manager, requestId))!;
      return toEvaluationView(record, await this.followUpSla(clocks, now));
    });
  }

  /** 核实: a manager of the hall confirms what the complaint is about. */
  verify(actor: Actor, id: string, input: { note: string }, key?: string): Promise<FollowUpListItemView> {
    return this.advance(actor, id, 'verify', input.note, key);
  }

  /** 整改: what was put right. */
  rectify(actor: Actor, id: string, input: { note: string }, key?: string): Promise<FollowUpListItemView> {
    return this.advance(actor, id, 'rectify', input.note, key);
  }

  /** 反馈: the applicant is told the outcome; the follow-up closes and its clock stops, met or breached. */
  feedback(actor: Actor, id: string, input: { message: string }, key?: string): Promise<FollowUpListItemView> {
    return this.advance(actor, id, 'feedback', input.message, key);
  }

  private advance(
    actor: Actor,
    id: string,
    action: FollowUpAction,
    text: string,
    key: string | undefined,
  ): Promise<FollowUpListItemView> {
    if (actor.role !== 'manager') throw new DomainError('Forbidden', 'a follow-up is handled by the hall’s managers');
    const spec = ACTIONS[action];
    if (text.trim() === '' || codePoints(text) > NOTE_MAX_CHARS) {
      throw validationFailed(`${spec.field} must be 1 to ${NOTE_MAX_CHARS} characters, not blank`);
    }
    const context = this.idempotencyContext(actor, key, `POST /requests/${id}/follow-up/${action}`, {
      [spec.field]: text,
    });
    return this.idempotency.run(context, async (manager) => {
      const { request, steps } = await loadVisibleRequest(manager, actor, id, true);
      const requestId = String(request.id);
      const followUp = (await readEvaluation(manager, requestId, true))?.followUp;
      // Another hall's follow-up is not theirs: answered exactly like one that does not exist.
      if (!followUp || !managesHall(actor, followUp.hall_code)) throw notFound(`follow-up of request ${id}`);
      const from = followUp.status;
      const to = nextFollowUpStatus(from, action);
      if (!to) {
        throw new DomainError(
          'IllegalTransition',
          `the follow-up of request ${request.number} is ${from}: cannot ${spec.words} (${ORDER[from]})`,
          { state: from },
        );
      }
      const now = this.clock.now();
      await manager.query(
        `UPDATE follow_ups SET status = ?, ${spec.at} = ?, ${spec.by} = ?, ${spec.text} = ? WHERE id = ?`,
        [to, now, actor.id, text, followUp.id],
      );
      const followUpId = String(followUp.id);
      await this.audit.append(manager, {
        subjectType: 'request',
        subjectId: requestId,
        action: spec.event,
        statusFrom: from,
        statusTo: to,
        actor: auditActor(actor),
        payload: { followUpId, [spec.field]: text },
      });
      await this.outbox.add(manager, spec.event, { requestId, followUpId });
      const clocks = await this.syncClock(manager, request, steps, followUpClockRuns(to), now);
      const [row] = await this.listRows(manager, { where: 'f.id = ?', params: [followUpId] }, 1);
      return this.listItem(row, clocks, now);
    });
  }

  /** Follow-ups a manager answers for (their hall's, or all for a zone-wide one) or an admin sees, oldest due first. */
  async list(
    actor: Actor,
    filters: FollowUpFilters,
    limit = DEFAULT_PAGE_LIMIT,
    cursor?: string,
  ): Promise<Page<FollowUpListItemView>> {
    if (actor.role !== 'manager' && actor.role !== 'admin') {
      throw new DomainError('Forbidden', 'follow-ups are listed for managers and admins');
    }
    const after = decodeKeysetCursor(cursor, [REQUEST_ID]);
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (actor.role === 'manager' && actor.hallCode !== undefined) {
      conditions.push('f.hall_code = ?');
      params.push(actor.hallCode);
    }
    // A follow-up is a hall's: a manager bound to a department lists none.
    if (actor.role === 'manager' && actor.departmentCode !== undefined) conditions.push('FALSE');
    if (filters.status !== undefined) {
      if (!(FOLLOW_UP_STATUSES as readonly string[]).includes(filters.status)) {
        throw validationFailed(`status must be one of ${FOLLOW_UP_STATUSES.join(', ')}`);
      }
      conditions.push('f.status = ?');
      params.push(filters.status);
    }
    const now = this.clock.now();
    if (filters.slaState !== undefined) {
      const condition = SLA_STATE_SQL[filters.slaState as SlaState];
      if (!condition) throw validationFailed(`slaState must be one of ${SLA_STATES.join(', ')}`);
      conditions.push(`(${condition.replaceAll(':slaNow', '?')})`);
      params.push(...Array.from({ length: condition.split(':slaNow').length - 1 }, () => now));
    }
    if (after) {
      conditions.push(`(${DUE} > ? OR (${DUE} = ? AND f.id > ?))`);
      params.push(after.at, after.at, after.ids[0]);
    }
    const rows = await this.listRows(
      this.dataSource.manager,
      { where: conditions.join(' AND ') || 'TRUE', params },
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const clocks = await this.sla.clocksById(page.flatMap((row) => (row.clock_id ? [String(row.clock_id)] : [])));
    const items: FollowUpListItemView[] = [];
    for (const row of page) items.push(await this.listItem(row, clocks, now));
    const last = page[page.length - 1];
    return {
      items,
      nextCursor: rows.length > limit ? encodeKeysetCursor(last.due_key, String(last.id)) : null,
    };
  }

  // ---- the machinery ------------------------------------------------------------------------

  /** Follow-ups with their request, score and clock, oldest due first (ix_follow_ups_* and the clock's index). */
  private async listRows(
    manager: EntityManager,
    filter: { where: string; params: unknown[] },
    limit: number,
  ): Promise<FollowUpListRow[]> {
    return (await manager.query(
      `SELECT f.*, r.number, r.item_code, r.company_uscc, e.score, c.id AS clock_id, ${DUE} AS due_key
         FROM follow_ups f
         JOIN service_requests r ON r.id = f.request_id
         JOIN evaluations e ON e.id = f.evaluation_id
         LEFT JOIN sla_clocks c ON c.id = (SELECT MAX(c2.id) FROM sla_clocks c2
              WHERE c2.request_id = f.request_id AND c2.kind = 'follow-up')
        WHERE ${filter.where}
        ORDER BY due_key, f.id
        LIMIT ?`,
      [...filter.params, limit],
    )) as FollowUpListRow[];
  }

  private async listItem(row: FollowUpListRow, clocks: readonly SlaClock[], now: Date): Promise<FollowUpListItemView> {
    const clock = clocks.find((c) => c.id === String(row.clock_id)) ?? null;
    return {
      ...toFollowUpView(row, clock ? await this.sla.view(clock, now) : null),
      requestId: String(row.request_id),
      requestNumber: row.number,
      itemCode: row.item_code,
      companyUscc: row.company_uscc,
      score: Number(row.score),
    };
  }

  /** Starts or stops the follow-up's clock: it runs while the follow-up is open (clock-plan.ts). */
  private async syncClock(
    manager: EntityManager,
    request: ServiceRequest,
    steps: readonly { stepKey: string; status: string }[],
    followUpOpen: boolean,
    at: Date,
  ): Promise<SlaClock[]> {
    return this.sla.sync(
      manager,
      String(request.id),
      {
        status: request.status,
        supplementStage: request.supplement?.stage ?? null,
        activeSteps: steps.filter((s) => s.status === 'active').map((s) => s.stepKey),
        followUpOpen,
      },
      async () => {
        const version = await manager.getRepository(ItemVersion).findOneBy({ id: request.itemVersionId });
        if (!version) throw new Error(`item version ${request.itemVersionId} is missing`);
        return clockLimitsOf(version);
      },
      at,
    );
  }

  private async followUpSla(clocks: readonly SlaClock[], now: Date): Promise<SlaObject | null> {
    const clock = clocks.filter((c) => c.kind === 'follow-up').at(-1);
    return clock ? this.sla.view(clock, now) : null;
  }
}
