import type { JsonObject } from './json.js';
import type { MatterMaterial, MatterOutput, TimeLimit } from './matter.entity.js';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const ITEM_VERSION_STATUSES = ['draft', 'published'] as const;
export type ItemVersionStatus = (typeof ITEM_VERSION_STATUSES)[number];

/** One step of a version as stored: a copy of its matter taken when the draft was created. */
export interface ItemStepSnapshot {
  key: string;
  matterCode: string;
  matterName: string;
  departmentCode: string;
  dependsOn: string[];
  promisedLimit: TimeLimit;
  legalLimit: TimeLimit;
  materials: MatterMaterial[];
  output: MatterOutput;
}

/** One line of the 一张清单 as stored: a material and the matters that need it. */
export interface ChecklistEntrySnapshot {
  code: string;
  name: string;
  required: boolean;
  key: boolean;
  matters: string[];
}

/**
 * 版本: one definition of a service item. A draft becomes published once and is never changed
 * afterwards; a request keeps the version it started on, so its steps are a snapshot, not a join.
 */
@Entity('item_versions')
@Index('uq_item_versions_item_version', ['itemCode', 'version'], { unique: true })
@Index('ix_item_versions_published', ['itemCode', 'status', 'version'])
export class ItemVersion {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Column({ name: 'item_code', type: 'varchar', length: 32 })
  itemCode: string;

  @Column({ type: 'int', unsigned: true })
  version: number;

  @Column({ type: 'varchar', length: 16 })
  status: ItemVersionStatus;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  category: string;

  @Column({ name: 'calendar_code', type: 'varchar', length: 32, default: 'zone' })
  calendarCode: string;

  @Column({ name: 'promised_limit', type: 'json' })
  promisedLimit: TimeLimit;

  /** The intake clock's limit; null for the law's default, 5 working days (行政许可法 Art. 32). */
  @Column({ name: 'intake_limit', type: 'json', nullable: true })
  intakeLimit: TimeLimit | null;

  /** The share of a clock's working time after which it warns (预警), 0.5-0.95; 0.8 by default. */
  @Column({ name: 'warn_share', type: 'decimal', precision: 4, scale: 3, default: 0.8 })
  warnShare: string;

  @Column({ name: 'form_schema', type: 'json', nullable: true })
  formSchema: JsonObject | null;

  @Column({ type: 'json' })
  steps: ItemStepSnapshot[];

  @Column({ type: 'json' })
  checklist: ChecklistEntrySnapshot[];

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'published_at', type: 'datetime', precision: 3, nullable: true })
  publishedAt: Date | null;
}
