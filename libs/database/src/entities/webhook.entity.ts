import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An admin's subscription to the desk's events: where they are POSTed, which types (patterns such as
 * `step.*`), and, with a department, only that department's steps and requests. The signing secret
 * is kept encrypted (AES-256-GCM under WEBHOOK_SECRET_KEY): a dump of the table does not reveal it.
 */
@Entity('webhook_subscriptions')
export class WebhookSubscription {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'json' })
  events: string[];

  @Column({ name: 'department_code', type: 'varchar', length: 32, nullable: true })
  departmentCode: string | null;

  /** base64 of the GCM nonce, tag and ciphertext of the `whsec_` secret. */
  @Column({ name: 'secret_cipher', type: 'varchar', length: 255, charset: 'ascii', collation: 'ascii_bin' })
  secretCipher: string;

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ name: 'disabled_reason', type: 'varchar', length: 200, nullable: true })
  disabledReason: string | null;

  @Column({ name: 'created_by', type: 'bigint', unsigned: true, nullable: true })
  createdBy: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'disabled_at', type: 'datetime', precision: 3, nullable: true })
  disabledAt: Date | null;
}

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One event for one subscription: its body fixed when it was made, sent until a 2xx or given up. */
@Entity('webhook_deliveries')
@Index('uq_webhook_deliveries_event', ['subscriptionId', 'eventId'], { unique: true })
@Index('idx_webhook_deliveries_order', ['subscriptionId', 'requestId', 'status', 'eventId'])
@Index('idx_webhook_deliveries_status', ['status', 'id'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'subscription_id', type: 'bigint', unsigned: true })
  subscriptionId: string;

  /** The outbox event: deliveries of one (subscription, request) go out in its order. */
  @Column({ name: 'event_id', type: 'bigint', unsigned: true })
  eventId: string;

  /** The `webhook-id` header and the body's id: the same on every attempt, for the receiver to dedup. */
  @Column({ name: 'message_id', type: 'varchar', length: 64, charset: 'ascii', collation: 'ascii_bin' })
  messageId: string;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType: string;

  @Column({ name: 'request_id', type: 'bigint', unsigned: true })
  requestId: string;

  /** The JSON POSTed, with the request's view (as GET /requests/{id} answers it) when it was made. */
  @Column({ type: 'mediumtext' })
  body: string;

  @Column({ type: 'varchar', length: 16 })
  status: WebhookDeliveryStatus;

  @Column({ type: 'int', unsigned: true })
  attempts: number;

  @Column({ name: 'last_status_code', type: 'smallint', unsigned: true, nullable: true })
  lastStatusCode: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  /** Set while an attempt is under way: another job of the same delivery leaves it alone until then. */
  @Column({ name: 'sending_until', type: 'datetime', precision: 3, nullable: true })
  sendingUntil: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt: Date | null;
}

/** One POST of a delivery: its answer's status (null when none came), latency and first 500 characters. */
@Entity('webhook_attempts')
@Index('idx_webhook_attempts_delivery', ['deliveryId', 'id'])
export class WebhookAttempt {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'delivery_id', type: 'bigint', unsigned: true })
  deliveryId: string;

  @Column({ name: 'attempted_at', type: 'datetime', precision: 3 })
  attemptedAt: Date;

  @Column({ name: 'status_code', type: 'smallint', unsigned: true, nullable: true })
  statusCode: number | null;

  @Column({ name: 'latency_ms', type: 'int', unsigned: true })
  latencyMs: number;

  @Column({ name: 'response_excerpt', type: 'varchar', length: 500, nullable: true })
  responseExcerpt: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;
}
