import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * 电子证照: what a department issued when a request completed (one per step's output), held by the
 * company. Its status is read from its dates: revoked once revoked_at is set, expired once
 * valid_until has passed, else valid; no job has to run for a licence to expire.
 */
@Entity('licences')
@Index('uq_licences_output', ['requestId', 'stepKey'], { unique: true })
@Index('uq_licences_verification', ['verificationCode'], { unique: true })
@Index('idx_licences_holder', ['holderUscc', 'kind'])
export class Licence {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  /** The output's number (e.g. the 营业执照's registration number), as the approver gave it. */
  @Column({ type: 'varchar', length: 64 })
  number: string;

  /** What kind of document it is (the matter's output kind); a material names the kind that covers it. */
  @Column({ type: 'varchar', length: 32 })
  kind: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'holder_uscc', type: 'char', length: 18 })
  holderUscc: string;

  @Column({ name: 'holder_name', type: 'varchar', length: 200 })
  holderName: string;

  @Column({ name: 'department_code', type: 'varchar', length: 32 })
  departmentCode: string;

  @Column({ name: 'matter_code', type: 'varchar', length: 32 })
  matterCode: string;

  @Column({ name: 'request_id', type: 'bigint', unsigned: true })
  requestId: string;

  @Column({ name: 'step_key', type: 'varchar', length: 32 })
  stepKey: string;

  @Column({ name: 'issued_at', type: 'datetime', precision: 3 })
  issuedAt: Date;

  /** Null: valid without end (长期有效). */
  @Column({ name: 'valid_until', type: 'datetime', precision: 3, nullable: true })
  validUntil: Date | null;

  /** Public: who holds a printed licence checks it with this code, and learns nothing else. */
  @Column({ name: 'verification_code', type: 'char', length: 16, charset: 'ascii', collation: 'ascii_bin' })
  verificationCode: string;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_by', type: 'bigint', unsigned: true, nullable: true })
  revokedBy: string | null;

  @Column({ name: 'revoke_reason', type: 'varchar', length: 1000, nullable: true })
  revokeReason: string | null;
}
