import type { OutboxEvent } from '#database';
import { NotificationsService, type RequestEventType, type RequestNotice } from '#notifications';
import type { OutboxBatchHandler } from '#queue';
import { ReportFacts } from '#reports';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { SlaTimers } from './sla-timers.js';

/** Events whose only handling is telling people: each request's turn, each step that becomes a department's. */
const TOLD = [
  'request.submitted',
  'request.accepted',
  'request.supplement-requested',
  'request.supplied',
  'request.extended',
  'step.activated',
] as const satisfies readonly RequestEventType[];

/** Events that also make (or remake) the request's report facts: its end, and each step decided. */
const PROJECTED = [
  'request.refused',
  'request.withdrawn',
  'request.denied',
  'request.completed',
  'step.approved',
  'step.denied',
] as const satisfies readonly RequestEventType[];

const NOTIFIED = new Set<string>([...TOLD, ...PROJECTED]);
const ENDED_OR_DECIDED = new Set<string>(PROJECTED);

/**
 * The worker's most frequent events, handled by the outbox relay many at once (OutboxBatchHandler)
 * instead of one events job each: what EventsProcessor does for one of them, done for a batch in a
 * few statements. Intake alone makes two events per request (its submission and its intake clock),
 * and each job of them cost more of the worker than its handling did.
 *
 * - `sla.clock-changed`: the clocks' timers set in one read and one bulk add (SlaTimers.scheduleMany);
 * - request and step events: their notifications, one read of the requests and the people, one insert;
 * - ended requests and decided steps: their report facts, projected together.
 *
 * Each part is idempotent (a timer's id is deterministic, a notification is unique per event and
 * user, a fact is projected again from the rows), so a batch handled twice changes nothing twice.
 * EventsProcessor keeps its handlers for these events: a batch the relay cannot handle is published
 * as jobs after all.
 */
@Injectable()
export class WorkerEventBatch implements OutboxBatchHandler {
  readonly handles: ReadonlySet<string> = new Set([...NOTIFIED, 'sla.clock-changed']);

  constructor(
    private readonly notifications: NotificationsService,
    private readonly timers: SlaTimers,
    private readonly facts: ReportFacts,
  ) {}

  async handle(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    const projected = events.filter((e) => ENDED_OR_DECIDED.has(e.type));
    // The facts are written in a transaction of their own (as the events processor writes them).
    if (projected.length > 0) await this.facts.project([...new Set(projected.map((e) => requestIdOf(e)))]);
    const notices: RequestNotice[] = events
      .filter((e) => NOTIFIED.has(e.type))
      .map((e) => ({
        eventId: e.id,
        type: e.type as RequestEventType,
        requestId: requestIdOf(e),
        ...(typeof e.payload.stepKey === 'string' ? { stepKey: e.payload.stepKey } : {}),
      }));
    await this.notifications.notifyRequestEvents(notices, manager);
    const clocks = events.filter((e) => e.type === 'sla.clock-changed').map((e) => String(e.payload.clockId));
    // Last: Redis is written once the reads and inserts above have succeeded.
    if (clocks.length > 0) await this.timers.scheduleMany(clocks, manager);
  }
}

function requestIdOf(event: OutboxEvent): string {
  return String(event.payload.requestId);
}
