import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The head of one subject's audit hash chain: its last event's position and hash. */
@Entity('audit_chains')
export class AuditChainHead {
  @PrimaryColumn({ name: 'subject_type', type: 'varchar', length: 32, collation: 'utf8mb4_bin' })
  subjectType: string;

  @PrimaryColumn({ name: 'subject_id', type: 'varchar', length: 64, collation: 'utf8mb4_bin' })
  subjectId: string;

  @Column({ name: 'last_seq', type: 'int', unsigned: true })
  lastSeq: number;

  @Column({ name: 'last_hash', type: 'char', length: 64, charset: 'ascii', collation: 'ascii_bin', nullable: true })
  lastHash: string | null;
}
