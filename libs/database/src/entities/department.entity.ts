import { Column, Entity, PrimaryColumn } from 'typeorm';

/** 部门: owns matters and approves their steps. */
@Entity('departments')
export class Department {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
