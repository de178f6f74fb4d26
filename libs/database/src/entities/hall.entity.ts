import { Column, Entity, PrimaryColumn } from 'typeorm';

export const HALL_LEVELS = ['centre', 'branch', 'point'] as const;
export type HallLevel = (typeof HALL_LEVELS)[number];

/** 政务服务大厅 / 站点: where requests are received (the 1+5+N network). */
@Entity('halls')
export class Hall {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  level: HallLevel;

  @Column({ name: 'parent_code', type: 'varchar', length: 32, nullable: true })
  parentCode: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
