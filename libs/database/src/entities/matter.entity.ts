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
}

export interface MatterOutput {
  kind: string;
  name: string;
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

  @Column({ name: 'legal_limit', type: 'json' })
  legalLimit: TimeLimit;

  @Column({ type: 'json' })
  materials: MatterMaterial[];

  @Column({ type: 'json' })
  output: MatterOutput;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
