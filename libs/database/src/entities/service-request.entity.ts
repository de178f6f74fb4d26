import type { JsonObject } from './json.js';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const REQUEST_STATUSES = [
  'submitted',
  'supplement_required',
  'in_progress',
  'completed',
  'denied',
  'refused',
  'withdrawn',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** A material the applicant handed in: its checklist code and a reference to the file or paper. */
export interface SubmittedMaterial {
  code: string;
  reference: string;
  /** The uploaded file (POST /files) that is this material, when it was handed in as one. */
  fileId?: string;
  /** 免提交: the company's licence that stood in for the material, which was not handed in. */
  licence?: { id: string; number: string; name: string; verificationCode: string };
}

/** The supplement (补正) a request waits for: asked at intake by a clerk or by a step's approver. */
export interface PendingSupplement {
  stage: 'intake' | 'processing';
  stepKey: string | null;
  materials: string[];
  note: string;
  requestedBy: string;
  requestedAt: string;
}

/** 办件: one application of one company for one item, on the version it was submitted on. */
@Entity('service_requests')
@Index('ix_service_requests_company', ['companyUscc', 'id'])
@Index('ix_service_requests_hall', ['hallCode', 'id'])
@Index('ix_service_requests_status', ['status', 'id'])
@Index('ix_service_requests_item', ['itemCode', 'id'])
export class ServiceRequest {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id: string;

  @Index('uq_service_requests_number', { unique: true })
  @Column({ type: 'varchar', length: 20 })
  number: string;

  @Column({ name: 'item_code', type: 'varchar', length: 32 })
  itemCode: string;

  @Column({ name: 'item_version_id', type: 'bigint', unsigned: true })
  itemVersionId: string;

  @Column({ name: 'item_version', type: 'int', unsigned: true })
  itemVersion: number;

  @Column({ name: 'company_uscc', type: 'char', length: 18 })
  companyUscc: string;

  @Column({ name: 'hall_code', type: 'varchar', length: 32, nullable: true })
  hallCode: string | null;

  /** The service point that took it in and handed it to its parent hall (`hallCode`); null otherwise. */
  @Column({ name: 'taken_in_hall_code', type: 'varchar', length: 32, nullable: true })
  takenInAt: string | null;

  @Column({ type: 'varchar', length: 24 })
  status: RequestStatus;

  @Column({ type: 'json' })
  form: JsonObject;

  @Column({ type: 'json' })
  materials: SubmittedMaterial[];

  @Column({ type: 'json', nullable: true })
  supplement: PendingSupplement | null;

  @Column({ name: 'outcome_reason', type: 'varchar', length: 1000, nullable: true })
  outcomeReason: string | null;

  @Column({ name: 'submitted_by', type: 'bigint', unsigned: true })
  submittedBy: string;

  @Column({ name: 'on_behalf_of', type: 'char', length: 18, nullable: true })
  onBehalfOf: string | null;

  @Column({ name: 'submitted_at', type: 'datetime', precision: 3 })
  submittedAt: Date;

  @Column({ name: 'accepted_at', type: 'datetime', precision: 3, nullable: true })
  acceptedAt: Date | null;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt: Date | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
