import { formatInstant } from '#common';
import type { SlaObject } from '#sla';
import type { EntityManager } from 'typeorm';
import type { FollowUpStatus } from './follow-up-state.js';

/** An `evaluations` row as mysql2 returns it. */
export interface EvaluationRow {
  id: string | number;
  request_id: string | number;
  company_uscc: string;
  hall_code: string | null;
  item_code: string;
  score: number;
  comment: string | null;
  evaluated_by: string | number;
  evaluated_at: Date;
}

/** A `follow_ups` row as mysql2 returns it. */
export interface FollowUpRow {
  id: string | number;
  request_id: string | number;
  evaluation_id: string | number;
  hall_code: string | null;
  status: FollowUpStatus;
  opened_at: Date;
  verified_at: Date | null;
  verified_by: string | number | null;
  verify_note: string | null;
  rectified_at: Date | null;
  rectified_by: string | number | null;
  rectify_note: string | null;
  closed_at: Date | null;
  closed_by: string | number | null;
  feedback: string | null;
}

/** A request's evaluation and the follow-up it opened, if any. */
export interface EvaluationRecord {
  evaluation: EvaluationRow;
  followUp: FollowUpRow | null;
}

/** 整改 as the api shows it: where it stands, each step's instant and note, and its clock. */
export interface FollowUpView {
  id: string;
  status: FollowUpStatus;
  hallCode: string | null;
  openedAt: string;
  verifiedAt: string | null;
  verifyNote: string | null;
  rectifiedAt: string | null;
  rectifyNote: string | null;
  closedAt: string | null;
  /** What the applicant was told when it closed. */
  feedback: string | null;
  sla: SlaObject | null;
}

/** 好差评 as the api shows it, on the request and as the answer to the evaluation. */
export interface EvaluationView {
  score: number;
  comment: string | null;
  evaluatedAt: string;
  followUp: FollowUpView | null;
}

/** A line of GET /follow-ups: the follow-up with its request and the score that opened it. */
export interface FollowUpListItemView extends FollowUpView {
  requestId: string;
  requestNumber: string;
  itemCode: string;
  companyUscc: string;
  score: number;
}

const instant = (value: Date | null): string | null => (value ? formatInstant(value) : null);

export function toFollowUpView(row: FollowUpRow, sla: SlaObject | null): FollowUpView {
  return {
    id: String(row.id),
    status: row.status,
    hallCode: row.hall_code,
    openedAt: formatInstant(row.opened_at),
    verifiedAt: instant(row.verified_at),
    verifyNote: row.verify_note,
    rectifiedAt: instant(row.rectified_at),
    rectifyNote: row.rectify_note,
    closedAt: instant(row.closed_at),
    feedback: row.feedback,
    sla,
  };
}

export function toEvaluationView(record: EvaluationRecord, followUpSla: SlaObject | null): EvaluationView {
  return {
    score: Number(record.evaluation.score),
    comment: record.evaluation.comment,
    evaluatedAt: formatInstant(record.evaluation.evaluated_at),
    followUp: record.followUp ? toFollowUpView(record.followUp, followUpSla) : null,
  };
}

/** The request's evaluation and follow-up, read in the caller's transaction (locked when `lock`). */
export async function readEvaluation(
  manager: EntityManager,
  requestId: string,
  lock = false,
): Promise<EvaluationRecord | null> {
  const forUpdate = lock ? ' FOR UPDATE' : '';
  const [evaluation] = (await manager.query(`SELECT * FROM evaluations WHERE request_id = ?${forUpdate}`, [
    requestId,
  ])) as EvaluationRow[];
  if (!evaluation) return null;
  const [followUp] = (await manager.query(`SELECT * FROM follow_ups WHERE request_id = ?${forUpdate}`, [
    requestId,
  ])) as FollowUpRow[];
  return { evaluation, followUp: followUp ?? null };
}
