import { Column, Entity, PrimaryColumn } from 'typeorm';

export const LIMIT_UNITS = ['workingDays', 'workingHours', 'workingMinutes'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

export interface TimeLimit {
  value: number;
  unit: LimitUnit;
}

export interface MatterMaterial {
  code: string;
  name: string;
  required: boolean;
  key: boolean;
  /** 免提交: the kind of licence (电子证照) that covers this material when the company holds a valid one. */
  licenceKind?: string;
}

export interface MatterOutput {
  kind: string;
  name: string;
  /** Whole years the licence issued for it stays valid; none: without end (长期有效). */
  validForYears?: number;
}

/** 事项: one administrative matter of one department. */
@Entity('matters')
export class Matter {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'department_code', type: 'varchar', length: 32 })
  departmentCode: string;

  @Column({ name: 'promised_limit', type: 'json' })
  promisedLimit: TimeLimit;

  /** 法定时限; null for a value-added service (增值服务), which has a promise and no limit in law. */
  @Column({ name: 'legal_limit', type: 'json', nullable: true })
  legalLimit: TimeLimit | null;

  @Column({ type: 'json' })
  materials: MatterMaterial[];

  @Column({ type: 'json' })
  output: MatterOutput;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
