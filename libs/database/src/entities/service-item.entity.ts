import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * 一件事: the identity of a service item. Its definition lives in its versions; this row is what a
 * writer locks to allocate the next version number.
 */
@Entity('service_items')
export class ServiceItem {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  code: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
