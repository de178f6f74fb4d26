import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const STEP_STATUSES = ['waiting', 'active', 'approved', 'denied', 'cancelled'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** 环节: one matter's approval inside a request, copied from the version's step at submission. */
@Entity('request_steps')
@Index('ix_request_steps_tasks', ['departmentCode', 'status', 'activatedAt', 'requestId'])
@Index('ix_request_steps_department', ['departmentCode', 'requestId'])
export class RequestStep {
  @PrimaryColumn({ name: 'request_id', type: 'bigint', unsigned: true })
  requestId: string;

  @PrimaryColumn({ name: 'step_key', type: 'varchar', length: 32 })
  stepKey: string;

  /** The step's place in the version's topological order, so steps list in the order they run. */
  @Column({ type: 'smallint', unsigned: true })
  position: number;

  @Column({ name: 'matter_code', type: 'varchar', length: 32 })
  matterCode: string;

  @Column({ name: 'matter_name', type: 'varchar', length: 200 })
  matterName: string;

  @Column({ name: 'department_code', type: 'varchar', length: 32 })
  departmentCode: string;

  @Column({ name: 'depends_on', type: 'json' })
  dependsOn: string[];

  @Column({ type: 'varchar', length: 16 })
  status: StepStatus;

  @Column({ name: 'activated_at', type: 'datetime', precision: 3, nullable: true })
  activatedAt: Date | null;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decided_by', type: 'bigint', unsigned: true, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decision_note', type: 'varchar', length: 1000, nullable: true })
  decisionNote: string | null;

  @Column({ name: 'output_kind', type: 'varchar', length: 64 })
  outputKind: string;

  @Column({ name: 'output_name', type: 'varchar', length: 200 })
  outputName: string;

  @Column({ name: 'output_number', type: 'varchar', length: 64, nullable: true })
  outputNumber: string | null;

  @Column({ name: 'issued_at', type: 'datetime', precision: 3, nullable: true })
  issuedAt: Date | null;
}
