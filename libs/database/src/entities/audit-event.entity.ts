import type { JsonObject } from './json.js';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** 审计: an append-only record of one action, its actor and what changed. Never updated or deleted. */
@Entity('audit_events')
@Index('ix_audit_events_subject', ['subjectType', 'subjectId', 'id'])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 32 })
  subjectType: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 64 })
  subjectId: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'status_from', type: 'varchar', length: 24, nullable: true })
  statusFrom: string | null;

  @Column({ name: 'status_to', type: 'varchar', length: 24, nullable: true })
  statusTo: string | null;

  @Column({ name: 'actor_id', type: 'bigint', unsigned: true, nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_role', type: 'varchar', length: 16, nullable: true })
  actorRole: string | null;

  @Column({ name: 'actor_username', type: 'varchar', length: 64, nullable: true })
  actorUsername: string | null;

  /** 代办: the company a clerk acted for. */
  @Column({ name: 'on_behalf_of', type: 'varchar', length: 64, nullable: true })
  onBehalfOf: string | null;

  @Column({ type: 'json', nullable: true })
  payload: JsonObject | null;

  @Column({ name: 'occurred_at', type: 'datetime', precision: 3 })
  occurredAt: Date;
}
