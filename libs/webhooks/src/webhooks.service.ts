import { AuditWriter } from '#audit';
import {
  Clock,
  decodeCursor,
  DomainError,
  encodeCursor,
  notFound,
  type Page,
  validationFailed,
  pageLimit,
} from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import {
  Department,
  WebhookAttempt,
  WebhookDelivery,
  type WebhookDeliveryStatus,
  WebhookSubscription,
} from '#database';
import type { Actor } from '#identity';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource, In } from 'typeorm';
import { checkWebhookTarget } from './address-guard.js';
import { isKnownPattern, WEBHOOK_EVENT_FAMILIES } from './event-types.js';
import { enqueueDelivery } from './webhook-jobs.js';
import {
  toDeliveryView,
  toSubscriptionView,
  type WebhookDeliveryView,
  type WebhookSubscriptionView,
} from './webhook-views.js';
import { encryptSecret, newWebhookSecret, secretKeyBytes } from './secrets.js';

export interface NewSubscription {
  url: string;
  events: string[];
  departmentCode?: string;
  secret?: string;
}

export interface CreatedSubscription extends WebhookSubscriptionView {
  /** Shown this once: only its encryption is kept. */
  secret: string;
}

/** The attempts a delivery shows: its latest. */
const SHOWN_ATTEMPTS = 20;

/** The admins' side of signed webhooks out: subscriptions, and the deliveries that failed, re-sent. */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue('webhooks') private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async create(actor: Actor, input: NewSubscription): Promise<CreatedSubscription> {
    const unknown = input.events.filter((e) => !isKnownPattern(e));
    if (unknown.length > 0) {
      throw validationFailed(
        `events: ${unknown.join(', ')} is not an event type or pattern; use * or one of ${WEBHOOK_EVENT_FAMILIES.map((f) => `${f}.*`).join(', ')} or an exact type`,
      );
    }
    if (input.secret !== undefined && !secretKeyBytes(input.secret)) {
      throw validationFailed('secret must be whsec_ followed by the base64 of 24 to 64 random bytes');
    }
    await checkWebhookTarget(input.url, this.config.webhooks.allowedHosts);
    const secret = input.secret ?? newWebhookSecret();
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      if (input.departmentCode && !(await manager.existsBy(Department, { code: input.departmentCode }))) {
        throw notFound(`department ${input.departmentCode}`);
      }
      const row = manager.create(WebhookSubscription, {
        url: input.url,
        events: [...new Set(input.events)],
        departmentCode: input.departmentCode ?? null,
        secretCipher: encryptSecret(secret, this.config.webhooks.secretKey),
        active: true,
        disabledReason: null,
        createdBy: actor.id,
        createdAt: this.clock.now(),
        disabledAt: null,
      });
      await manager.insert(WebhookSubscription, row);
      const view = toSubscriptionView(row);
      await this.audit.created(manager, 'webhook-subscription', view.id, actor, view);
      return { ...view, secret };
    });
  }

  async list(limit?: number, cursor?: string): Promise<Page<WebhookSubscriptionView>> {
    const size = pageLimit(limit);
    const query = this.dataSource.getRepository(WebhookSubscription).createQueryBuilder('s');
    const before = decodeCursor(cursor);
    if (before) query.where('s.id < :before', { before });
    const rows = await query
      .orderBy('s.id', 'DESC')
      .limit(size + 1)
      .getMany();
    const page = rows.slice(0, size);
    return {
      items: page.map(toSubscriptionView),
      nextCursor: rows.length > size ? encodeCursor(String(page[page.length - 1].id)) : null,
    };
  }

  async disable(actor: Actor, id: string): Promise<WebhookSubscriptionView> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const row = await manager.findOne(WebhookSubscription, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw notFound(`webhook subscription ${id}`);
      if (!row.active) throw new DomainError('IllegalTransition', `webhook subscription ${id} is already disabled`);
      row.active = false;
      row.disabledAt = this.clock.now();
      row.disabledReason = 'disabled by an admin';
      await manager.update(
        WebhookSubscription,
        { id },
        { active: false, disabledAt: row.disabledAt, disabledReason: row.disabledReason },
      );
      await this.audit.append(manager, {
        subjectType: 'webhook-subscription',
        subjectId: String(id),
        action: 'webhook-subscription.disabled',
        actor,
        statusFrom: 'active',
        statusTo: 'disabled',
        payload: { url: row.url, reason: row.disabledReason },
      });
      return toSubscriptionView(row);
    });
  }

  async deliveries(filter: {
    status?: WebhookDeliveryStatus;
    subscriptionId?: string;
    limit?: number;
    cursor?: string;
  }): Promise<Page<WebhookDeliveryView>> {
    const size = pageLimit(filter.limit);
    const query = this.dataSource.getRepository(WebhookDelivery).createQueryBuilder('d');
    if (filter.status) query.andWhere('d.status = :status', { status: filter.status });
    if (filter.subscriptionId) query.andWhere('d.subscriptionId = :sub', { sub: filter.subscriptionId });
    const before = decodeCursor(filter.cursor);
    if (before) query.andWhere('d.id < :before', { before });
    const rows = await query
      .orderBy('d.id', 'DESC')
      .limit(size + 1)
      .getMany();
    const page = rows.slice(0, size);
    const attempts = await this.attemptsOf(page.map((d) => d.id));
    return {
      items: page.map((d) => toDeliveryView(d, attempts.get(String(d.id)) ?? [])),
      nextCursor: rows.length > size ? encodeCursor(String(page[page.length - 1].id)) : null,
    };
  }

  /** Sends a finished delivery again (a new series of attempts); one still being sent is a 409. */
  async resend(actor: Actor, id: string): Promise<WebhookDeliveryView> {
    const row = await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const delivery = await manager.findOne(WebhookDelivery, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!delivery) throw notFound(`webhook delivery ${id}`);
      if (delivery.status === 'pending') {
        throw new DomainError('IllegalTransition', `webhook delivery ${id} is still being sent`);
      }
      const subscription = await manager.findOneByOrFail(WebhookSubscription, { id: delivery.subscriptionId });
      if (!subscription.active) {
        throw new DomainError('IllegalTransition', `webhook subscription ${subscription.id} is disabled`);
      }
      const before = delivery.status;
      delivery.status = 'pending';
      delivery.finishedAt = null;
      await manager.update(WebhookDelivery, { id }, { status: 'pending', finishedAt: null });
      await this.audit.append(manager, {
        subjectType: 'webhook-subscription',
        subjectId: String(delivery.subscriptionId),
        action: 'webhook-delivery.resent',
        actor,
        statusFrom: before,
        statusTo: 'pending',
        payload: { deliveryId: String(id), messageId: delivery.messageId, eventType: delivery.eventType },
      });
      return delivery;
    });
    await enqueueDelivery(this.queue, this.config.webhooks, String(row.id), `resend${row.attempts}`);
    const attempts = await this.attemptsOf([row.id]);
    return toDeliveryView(row, attempts.get(String(row.id)) ?? []);
  }

  private async attemptsOf(ids: readonly string[]): Promise<Map<string, WebhookAttempt[]>> {
    const found = new Map<string, WebhookAttempt[]>();
    if (ids.length === 0) return found;
    const rows = await this.dataSource
      .getRepository(WebhookAttempt)
      .find({ where: { deliveryId: In(ids) }, order: { id: 'ASC' } });
    for (const row of rows) {
      const list = found.get(String(row.deliveryId)) ?? [];
      list.push(row);
      found.set(String(row.deliveryId), list.slice(-SHOWN_ATTEMPTS));
    }
    return found;
  }
}
