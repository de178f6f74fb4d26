import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * 部门业务系统: a department's own system, which calls the api with an API key
 * (`otk_<keyId>_<secret>`) and acts as an approver of its department on that department's steps
 * only. The key is shown once; only its SHA-256 is kept.
 */
@Entity('service_accounts')
@Index('uq_service_accounts_name', ['name'], { unique: true })
@Index('uq_service_accounts_key', ['keyId'], { unique: true })
export class ServiceAccount {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  /** Shown as the actor's username on the timeline. */
  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'department_code', type: 'varchar', length: 32 })
  departmentCode: string;

  @Column({ name: 'key_id', type: 'char', length: 16, charset: 'ascii', collation: 'ascii_bin' })
  keyId: string;

  /** SHA-256 (hex) of the whole key. */
  @Column({ name: 'key_hash', type: 'char', length: 64, charset: 'ascii', collation: 'ascii_bin' })
  keyHash: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;
}
