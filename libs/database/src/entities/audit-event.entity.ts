import type { JsonObject } from './json.js';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * 审计: an append-only record of one action, its actor and what changed. Never updated or deleted.
 * Each subject's events form a hash chain (libs/audit/src/audit-chain.ts) whose head is in `audit_chains`.
 */
@Entity('audit_events')
@Index('ix_audit_events_subject', ['subjectType', 'subjectId', 'id'])
@Index('uq_audit_events_chain', ['subjectType', 'subjectId', 'seq'], { unique: true })
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'subject_type', type: 'varchar', length: 32, collation: 'utf8mb4_bin' })
  subjectType: string;

  @Column({ name: 'subject_id', type: 'varchar', length: 64, collation: 'utf8mb4_bin' })
  subjectId: string;

  /** 1 for the subject's first event, then one more for each. */
  @Column({ type: 'int', unsigned: true })
  seq: number;

  @Column({ name: 'prev_hash', type: 'char', length: 64, charset: 'ascii', collation: 'ascii_bin', nullable: true })
  prevHash: string | null;

  /** SHA-256 of this event chained to the previous one of its subject. */
  @Column({ type: 'char', length: 64, charset: 'ascii', collation: 'ascii_bin' })
  hash: string;

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
