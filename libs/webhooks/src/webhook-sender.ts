import { AuditWriter } from '#audit';
import { Clock, DomainError } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import { WebhookAttempt, WebhookDelivery, WebhookSubscription } from '#database';
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { DataSource } from 'typeorm';
import { checkWebhookTarget, type CheckedTarget } from './address-guard.js';
import { decryptSecret, webhookSignature } from './secrets.js';
import { enqueueDelivery } from './webhook-jobs.js';

const EXCERPT = 500;
/** How long past the timeout a claimed attempt is left to record its end. */
const CLAIM_MARGIN_MS = 30_000;

/** What one attempt came to: `retry` asks the queue to try again later. */
export type AttemptOutcome = 'delivered' | 'retry' | 'given-up' | 'disabled' | 'skipped';

interface Answer {
  statusCode: number | null;
  excerpt: string | null;
  error: string | null;
  latencyMs: number;
}

/** Thrown for the queue to retry the job with its backoff. */
export class DeliveryFailed extends Error {}

/**
 * Sends one delivery: only when it is the first unfinished one of its (subscription, request), so a
 * receiver sees a request's events in their order; a 2xx within the timeout delivers it, a 410
 * disables the subscription, anything else is retried until the last attempt gives it up. Every
 * attempt is recorded; the delivery's end enqueues the next of its request.
 */
@Injectable()
export class WebhookSender {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue('webhooks') private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditWriter,
    private readonly clock: Clock,
  ) {}

  async deliver(deliveryId: string, lastAttempt: boolean): Promise<AttemptOutcome> {
    const repo = this.dataSource.getRepository(WebhookDelivery);
    const delivery = await repo.findOneBy({ id: deliveryId });
    if (!delivery || delivery.status !== 'pending') return 'skipped';
    const earlier = await repo
      .createQueryBuilder('d')
      .where('d.subscriptionId = :sub AND d.requestId = :req AND d.status = :pending AND d.eventId < :event', {
        sub: delivery.subscriptionId,
        req: delivery.requestId,
        pending: 'pending',
        event: delivery.eventId,
      })
      .getExists();
    // The earlier delivery's end enqueues this one.
    if (earlier) return 'skipped';
    // Claimed for the attempt's time: another job of the same delivery (its predecessor's end and its
    // creation may both enqueue it) leaves it alone meanwhile.
    const now = this.clock.now();
    const claim = (await this.dataSource.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, sending_until = ?
        WHERE id = ? AND status = 'pending' AND (sending_until IS NULL OR sending_until < ?)`,
      [new Date(now.getTime() + this.config.webhooks.timeoutMs + CLAIM_MARGIN_MS), deliveryId, now],
    )) as { affectedRows: number };
    // Looked at again later: the other job's attempt ends, or (its worker gone) its claim runs out.
    if (!claim.affectedRows) return lastAttempt ? 'skipped' : 'retry';
    delivery.attempts += 1;
    const subscription = await this.dataSource.getRepository(WebhookSubscription).findOneByOrFail({
      id: delivery.subscriptionId,
    });
    if (!subscription.active) {
      await this.finish(delivery, 'failed', null, 'the subscription is disabled');
      return 'given-up';
    }

    const answer = await this.post(subscription, delivery);
    await this.dataSource.getRepository(WebhookAttempt).insert({
      deliveryId,
      attemptedAt: this.clock.now(),
      statusCode: answer.statusCode,
      latencyMs: answer.latencyMs,
      responseExcerpt: answer.excerpt,
      error: answer.error,
    });
    if (answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300) {
      await this.finish(delivery, 'delivered', answer.statusCode, null);
      return 'delivered';
    }
    if (answer.statusCode === 410) {
      await this.disableGone(subscription);
      await this.finish(delivery, 'failed', 410, 'the receiver answered 410 Gone: the subscription is disabled');
      return 'disabled';
    }
    const error = answer.error ?? `the receiver answered ${answer.statusCode}`;
    if (lastAttempt) {
      await this.finish(delivery, 'failed', answer.statusCode, error);
      return 'given-up';
    }
    await repo.update({ id: deliveryId }, { lastStatusCode: answer.statusCode, lastError: error, sendingUntil: null });
    return 'retry';
  }

  private async post(subscription: WebhookSubscription, delivery: WebhookDelivery): Promise<Answer> {
    const started = Date.now();
    let target: CheckedTarget;
    try {
      // Resolved again at each attempt, and the connection pinned to the address checked.
      target = await checkWebhookTarget(subscription.url, this.config.webhooks.allowedHosts);
    } catch (error) {
      const message = error instanceof DomainError ? error.message : 'the url could not be checked';
      return { statusCode: null, excerpt: null, error: message.slice(0, EXCERPT), latencyMs: Date.now() - started };
    }
    const secret = decryptSecret(subscription.secretCipher, this.config.webhooks.secretKey);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'one-thing-webhooks/1',
      'webhook-id': delivery.messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(secret, delivery.messageId, timestamp, delivery.body),
    };
    return new Promise<Answer>((resolve) => {
      const done = (answer: Omit<Answer, 'latencyMs'>) => resolve({ ...answer, latencyMs: Date.now() - started });
      const lookup: LookupFunction = (_host, options, callback) => {
        if (options.all) callback(null, [{ address: target.address, family: target.family }]);
        else callback(null, target.address, target.family);
      };
      const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target.url, { method: 'POST', headers, lookup, timeout: this.config.webhooks.timeoutMs });
      const timer = setTimeout(() => req.destroy(new Error('timed out')), this.config.webhooks.timeoutMs);
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) => {
        clearTimeout(timer);
        done({ statusCode: null, excerpt: null, error: `no answer: ${error.message}`.slice(0, EXCERPT) });
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < EXCERPT) text += chunk;
        });
        const end = () => {
          clearTimeout(timer);
          done({ statusCode: res.statusCode ?? null, excerpt: text.slice(0, EXCERPT) || null, error: null });
          res.destroy();
        };
        res.on('end', end);
        res.on('error', end);
      });
      req.end(delivery.body);
    });
  }

  /** Ends a delivery and enqueues the next unfinished one of its (subscription, request). */
  private async finish(
    delivery: WebhookDelivery,
    status: 'delivered' | 'failed',
    statusCode: number | null,
    error: string | null,
  ): Promise<void> {
    const repo = this.dataSource.getRepository(WebhookDelivery);
    await repo.update(
      { id: delivery.id },
      { status, lastStatusCode: statusCode, lastError: error, finishedAt: this.clock.now(), sendingUntil: null },
    );
    const next = await repo
      .createQueryBuilder('d')
      .where('d.subscriptionId = :sub AND d.requestId = :req AND d.status = :pending', {
        sub: delivery.subscriptionId,
        req: delivery.requestId,
        pending: 'pending',
      })
      .orderBy('d.eventId', 'ASC')
      .getOne();
    if (next)
      await enqueueDelivery(
        this.queue,
        this.config.webhooks,
        String(next.id),
        `after${delivery.id}a${delivery.attempts}`,
      );
  }

  private async disableGone(subscription: WebhookSubscription): Promise<void> {
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const changed = await manager.update(
        WebhookSubscription,
        { id: subscription.id, active: true },
        { active: false, disabledAt: this.clock.now(), disabledReason: 'the receiver answered 410 Gone' },
      );
      if (!changed.affected) return;
      await this.audit.append(manager, {
        subjectType: 'webhook-subscription',
        subjectId: String(subscription.id),
        action: 'webhook-subscription.disabled',
        actor: null,
        statusFrom: 'active',
        statusTo: 'disabled',
        payload: { url: subscription.url, reason: 'the receiver answered 410 Gone' },
      });
    });
  }
}
