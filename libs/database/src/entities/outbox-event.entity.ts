import type { JsonObject } from './json.js';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A domain event written in the same transaction as the change that caused it; the worker's
 * relay publishes it to the queue after commit, so a change and its jobs never drift apart.
 */
@Entity('outbox_events')
@Index('ix_outbox_events_pending', ['publishedAt', 'id'])
export class OutboxEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ type: 'json' })
  payload: JsonObject;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** The HTTP request whose change wrote the row (X-Request-Id), for the logs of the jobs it causes. */
  @Column({ name: 'http_request_id', type: 'varchar', length: 64, nullable: true })
  httpRequestId: string | null;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt: Date | null;
}
