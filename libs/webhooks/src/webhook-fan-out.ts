import { Clock } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import { type OutboxEvent, WebhookSubscription } from '#database';
import type { OutboxFanOut } from '#queue';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { isWebhookEventType, matchesPatterns } from './event-types.js';
import { enqueueDelivery } from './webhook-jobs.js';

/** The body's `data`: the ids the event carries (the request, and its step, clock, follow-up or licence). */
const DATA_KEYS = ['requestId', 'stepKey', 'clockId', 'followUpId', 'licenceId'] as const;

/** The `webhook-id` of an event: as the relay's job id, it differs for a database made again under the same ids. */
export const messageIdOf = (event: Pick<OutboxEvent, 'id' | 'createdAt'>) =>
  `msg_${event.id}_${event.createdAt.getTime()}`;

/**
 * Makes the deliveries of the events the relay claims, in the relay's transaction and in the
 * events' order (one per subscription and event: INSERT IGNORE on that key), then enqueues them.
 */
@Injectable()
export class WebhookFanOut implements OutboxFanOut {
  private made: string[] = [];

  constructor(
    @InjectQueue('webhooks') private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async inTransaction(manager: EntityManager, events: readonly OutboxEvent[]): Promise<void> {
    const deliverable = events.filter((e) => isWebhookEventType(e.type) && typeof e.payload.requestId === 'string');
    if (deliverable.length === 0) return;
    const subscriptions = await manager.findBy(WebhookSubscription, { active: true });
    if (subscriptions.length === 0) return;
    const now = this.clock.now();
    const rows: unknown[][] = [];
    for (const event of deliverable) {
      const departments = subscriptions.some((s) => s.departmentCode) ? await this.departmentsOf(manager, event) : [];
      for (const sub of subscriptions) {
        if (!matchesPatterns(sub.events, event.type)) continue;
        if (sub.departmentCode && !departments.includes(sub.departmentCode)) continue;
        const messageId = messageIdOf(event);
        const data = Object.fromEntries(DATA_KEYS.flatMap((k) => (k in event.payload ? [[k, event.payload[k]]] : [])));
        const body = JSON.stringify({
          id: messageId,
          type: event.type,
          timestamp: event.createdAt.toISOString(),
          data,
        });
        rows.push([sub.id, event.id, messageId, event.type, event.payload.requestId, body, now]);
      }
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

  /**
   * The departments an event concerns: a step's own department, a licence's issuing one, and for the
   * request's other events every department with a step of it.
   */
  private async departmentsOf(manager: EntityManager, event: OutboxEvent): Promise<string[]> {
    const { requestId, stepKey, licenceId } = event.payload as Record<string, string | undefined>;
    if (event.type.startsWith('step.') && stepKey) {
      const rows = (await manager.query(
        'SELECT department_code AS code FROM request_steps WHERE request_id = ? AND step_key = ?',
        [requestId, stepKey],
      )) as { code: string }[];
      return rows.map((r) => r.code);
    }
    if (event.type.startsWith('licence.') && licenceId) {
      const rows = (await manager.query('SELECT department_code AS code FROM licences WHERE id = ?', [licenceId])) as {
        code: string;
      }[];
      return rows.map((r) => r.code);
    }
    const rows = (await manager.query(
      'SELECT DISTINCT department_code AS code FROM request_steps WHERE request_id = ?',
      [requestId],
    )) as { code: string }[];
    return rows.map((r) => r.code);
  }
}
