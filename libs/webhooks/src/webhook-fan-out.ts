import { Clock } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import { type OutboxEvent, WebhookSubscription } from '#database';
import type { OutboxFanOut, OutboxFanOutBatch } from '#queue';
import { RequestReads, type RequestView } from '#requests';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { isWebhookEventType, matchesPatterns } from './event-types.js';
import { enqueueDelivery } from './webhook-jobs.js';

/** The ids an event carries in the body's `data`: the request, and its step, clock, follow-up or licence. */
const DATA_KEYS = ['requestId', 'stepKey', 'clockId', 'followUpId', 'licenceId'] as const;

/** The row the relays that make deliveries take in turn (migration WebhookRelay1797900000000). */
const RELAY_LOCK = 'fan-out';

/** The `webhook-id` of an event: as the relay's job id, it differs for a database made again under the same ids. */
export const messageIdOf = (event: Pick<OutboxEvent, 'id' | 'createdAt'>) =>
  `msg_${event.id}_${event.createdAt.getTime()}`;

/** What a delivery POSTs: the event, with its ids and the request as GET /requests/{id} answers it. */
export interface WebhookBody {
  id: string;
  type: string;
  /** When the event happened. */
  timestamp: string;
  data: Partial<Record<(typeof DATA_KEYS)[number], string>> & {
    requestId: string;
    /** The request as it stood when the delivery was made (the event relayed), without `allowedActions`. */
    request: RequestView | null;
  };
}

/**
 * Makes the deliveries of the events the outbox relay claims, in the relay's transaction and in the
 * events' order (one per subscription and event: INSERT IGNORE on that key), then enqueues them.
 *
 * Order across relays: the relay claims its rows with SKIP LOCKED, so two workers relaying at once
 * would claim a request's earlier and later events in two batches, and the later batch could commit
 * (and be sent) first: the sender waits only for the unfinished deliveries it can see. So a relay
 * that may make deliveries (there is an active subscription) first locks one row FOR UPDATE, before
 * it claims anything, and holds it to its commit: such relays run one after another, each claiming
 * what the previous one left, and a request's deliveries are committed in its events' order. A
 * relay that found no subscription takes no lock and makes no delivery for this batch, even should
 * a subscription be made meanwhile (that one receives the events relayed after it), so with no
 * subscriptions the relays run side by side as before, at the cost of one indexed read.
 */
@Injectable()
export class WebhookFanOut implements OutboxFanOut {
  constructor(
    @InjectQueue('webhooks') private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly requests: RequestReads,
  ) {}

  async begin(manager: EntityManager): Promise<OutboxFanOutBatch | null> {
    if (!(await manager.existsBy(WebhookSubscription, { active: true }))) return null;
    const locked = (await manager.query('SELECT name FROM webhook_relay_locks WHERE name = ? FOR UPDATE', [
      RELAY_LOCK,
    ])) as unknown[];
    if (locked.length === 0) throw new Error('webhook_relay_locks has no fan-out row: run the migrations');
    // Read under the lock: the subscriptions this batch delivers to.
    const subscriptions = await manager.findBy(WebhookSubscription, { active: true });
    if (subscriptions.length === 0) return null;
    return new FanOutBatch(subscriptions, this.queue, this.config, this.clock, this.requests);
  }
}

/** One relay batch's deliveries: made in its transaction, enqueued after its commit. */
class FanOutBatch implements OutboxFanOutBatch {
  private made: string[] = [];
  /** Each request's view, read once for the batch (in its transaction: as its events were relayed). */
  private views = new Map<string, Promise<RequestView | null>>();
  /** Each request's steps and their departments, for the subscriptions of one department. */
  private steps = new Map<string, Promise<{ stepKey: string; code: string }[]>>();

  constructor(
    private readonly subscriptions: readonly WebhookSubscription[],
    private readonly queue: Queue,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly requests: RequestReads,
  ) {}

  async inTransaction(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    const deliverable = events.filter((e) => isWebhookEventType(e.type) && typeof e.payload.requestId === 'string');
    if (deliverable.length === 0) return;
    const now = this.clock.now();
    const rows: unknown[][] = [];
    for (const event of deliverable) {
      const candidates = this.subscriptions.filter((sub) => matchesPatterns(sub.events, event.type));
      if (candidates.length === 0) continue;
      const requestId = String(event.payload.requestId);
      const departments = candidates.some((s) => s.departmentCode) ? await this.departmentsOf(manager, event) : [];
      const receivers = candidates.filter((sub) => !sub.departmentCode || departments.includes(sub.departmentCode));
      if (receivers.length === 0) continue;
      const request = await this.viewOf(manager, requestId);
      const messageId = messageIdOf(event);
      const ids = Object.fromEntries(DATA_KEYS.flatMap((k) => (k in event.payload ? [[k, event.payload[k]]] : [])));
      const body: WebhookBody = {
        id: messageId,
        type: event.type,
        timestamp: event.createdAt.toISOString(),
        data: { ...ids, requestId, request },
      };
      const text = JSON.stringify(body);
      for (const sub of receivers) rows.push([sub.id, event.id, messageId, event.type, requestId, text, now]);
    }
    if (rows.length === 0) return;
    const result = (await manager.query(
      `INSERT IGNORE INTO webhook_deliveries (subscription_id, event_id, message_id, event_type, request_id, body, status, attempts, created_at)
       VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, 'pending', 0, ?)").join(', ')}`,
      rows.flat(),
    )) as { insertId: number; affectedRows: number };
    if (result.affectedRows === 0) return;
    const made = (await manager.query(
      'SELECT id FROM webhook_deliveries WHERE event_id IN (?) AND created_at = ? ORDER BY id',
      [deliverable.map((e) => e.id), now],
    )) as { id: string | number }[];
    this.made.push(...made.map((r) => String(r.id)));
  }

  async afterCommit(): Promise<void> {
    const made = this.made;
    this.made = [];
    for (const id of made) await enqueueDelivery(this.queue, this.config.webhooks, id, '');
  }

  private viewOf(manager: EntityManager, requestId: string): Promise<RequestView | null> {
    return once(this.views, requestId, () => this.requests.viewIn(manager, requestId));
  }

  /**
   * The departments an event concerns: a step's own department, a licence's issuing one, and for the
   * request's other events every department with a step of it.
   */
  private async departmentsOf(manager: EntityManager, event: OutboxEvent): Promise<string[]> {
    const { requestId, stepKey, licenceId } = event.payload as Record<string, string | undefined>;
    if (event.type.startsWith('licence.') && licenceId) {
      const rows = (await manager.query('SELECT department_code AS code FROM licences WHERE id = ?', [licenceId])) as {
        code: string;
      }[];
      return rows.map((r) => r.code);
    }
    const steps = await once(
      this.steps,
      String(requestId),
      () =>
        manager.query('SELECT step_key AS stepKey, department_code AS code FROM request_steps WHERE request_id = ?', [
          requestId,
        ]) as Promise<{ stepKey: string; code: string }[]>,
    );
    if (event.type.startsWith('step.') && stepKey) return steps.filter((s) => s.stepKey === stepKey).map((s) => s.code);
    return [...new Set(steps.map((s) => s.code))];
  }
}

/** The value kept under `key`, made the first time it is asked for. */
function once<T>(kept: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  let value = kept.get(key);
  if (!value) {
    value = make();
    kept.set(key, value);
  }
  return value;
}
