import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A message in one user's in-app inbox, written by the worker from a domain event. */
@Entity('notifications')
@Index('uq_notifications_event_user', ['eventId', 'userId'], { unique: true })
@Index('ix_notifications_user', ['userId', 'id'])
export class Notification {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'user_id', type: 'bigint', unsigned: true })
  userId: string;

  /** The outbox event that caused it: a replayed event finds its notification already there. */
  @Column({ name: 'event_id', type: 'bigint', unsigned: true })
  eventId: string;

  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ type: 'varchar', length: 500 })
  message: string;

  /** The same message in Chinese, shown unless the reader asks for English; null on rows written before it. */
  @Column({ name: 'message_zh', type: 'varchar', length: 500, nullable: true })
  messageZh: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
