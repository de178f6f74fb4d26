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
  /** Null for a value-added service's matter (增值服务): no legal limit. */
  legalLimit: TimeLimit | null;
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
  /** 免提交: the licence kind that covers it, when a matter names one. */
  licenceKind?: string;
}

/**
 * 版本: one definition of a service item. A draft becomes published once and is never changed
 * afterwards; a request keeps the version it started on, so its steps are a snapshot, not a join.
 */
/**
 * The enterprise life-cycle stages of 国办发〔2025〕24号 (一类事一站办): 准入准营, 招聘用工, 纳税缴费,
 * 经营发展, 工程建设, 注销退出.
 */
export const ITEM_STAGES = ['ENTRY', 'HIRING', 'TAXES', 'OPERATION', 'CONSTRUCTION', 'EXIT'] as const;
export type ItemStage = (typeof ITEM_STAGES)[number];

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

  /** The life-cycle stage the catalogue files the item under (ITEM_STAGES); none for older versions. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  stage: ItemStage | null;

  /**
   * 联合办理 (行政许可法 Art. 42): several departments handle the item jointly, so its request as a
   * whole has a legal limit of 45 working days (JOINT_LEGAL_LIMIT), 15 more with its extension.
   */
  @Column({ type: 'boolean', default: false })
  joint: boolean;

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
