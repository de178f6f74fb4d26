import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A company identified by its Unified Social Credit Code. */
@Entity('companies')
export class Company {
  @PrimaryColumn({ type: 'char', length: 18 })
  uscc: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
