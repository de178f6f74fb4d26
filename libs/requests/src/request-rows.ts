import type { ChainHead } from '#audit';
import { type PendingSupplement, RequestStep, ServiceRequest, type SubmittedMaterial } from '#database';
import type { EntityManager } from 'typeorm';

/**
 * A request's row and its steps' in one statement, as TypeORM would hydrate the entities, without
 * its query builder: each change's transaction reads them first, where a second round trip and the
 * ORM's per-row mapping cost the api measurable CPU (the socket write of each statement, and
 * replacePropertyNames / transformColumns per column).
 *
 * Locked (FOR UPDATE), the request's row is the first row locked: the request is the const table
 * of the join (its primary key), and the steps, on the inner side of a LEFT JOIN, can only be read
 * after it. So the request's lock is still what serialises the actions on one request, and once
 * it is granted the steps are read locked, which reads their latest committed version (what the
 * action that held the lock before wrote), never an older snapshot. Nothing else locks a request's
 * steps without holding its row.
 *
 * Locked, the statement also reads and locks the head of the request's audit chain (audit_chains),
 * which the change appends to: the audit writer need not lock it by a statement of its own. Both
 * the request and the head are const tables of the join (primary keys), read in that order before
 * the steps, so the chain is still locked after the request's row. That it is now locked before
 * the steps (the writer used to lock it after writing them) makes no new wait cycle: whoever
 * locks a request's steps holds its row already, so never waits on its chain while holding them.
 */
const REQUEST_AND_STEPS_COLUMNS = `r.id, r.number, r.item_code, r.item_version_id, r.item_version, r.company_uscc,
    r.hall_code, r.taken_in_hall_code, r.status, r.form, r.materials, r.supplement, r.outcome_reason, r.submitted_by,
    r.on_behalf_of, r.submitted_at, r.accepted_at, r.completed_at, r.ended_at, r.updated_at,
    s.request_id AS s_request_id, s.step_key AS s_step_key, s.position AS s_position, s.matter_code AS s_matter_code,
    s.matter_name AS s_matter_name, s.department_code AS s_department_code, s.depends_on AS s_depends_on,
    s.status AS s_status, s.activated_at AS s_activated_at, s.decided_at AS s_decided_at,
    s.decided_by AS s_decided_by, s.decision_note AS s_decision_note, s.output_kind AS s_output_kind,
    s.output_name AS s_output_name, s.output_number AS s_output_number, s.issued_at AS s_issued_at`;
const REQUEST_AND_STEPS_SQL = `SELECT ${REQUEST_AND_STEPS_COLUMNS}
  FROM service_requests r
  LEFT JOIN request_steps s ON s.request_id = r.id
  WHERE r.id = ?`;
// The chain's subject id is the request's id as text: the same canonical digits (REQUEST_ID) as the
// parameter, so the head is found by its primary key.
const LOCKED_SQL = `SELECT ${REQUEST_AND_STEPS_COLUMNS}, a.last_seq AS a_seq, a.last_hash AS a_hash
  FROM service_requests r
  LEFT JOIN request_steps s ON s.request_id = r.id
  LEFT JOIN audit_chains a ON a.subject_type = 'request' AND a.subject_id = ?
  WHERE r.id = ?
  FOR UPDATE`;

/** A row of REQUEST_AND_STEPS_SQL: the request's columns, and one step's (all null for a request without steps). */
interface RequestAndStepRow {
  id: string | number;
  number: string;
  item_code: string;
  item_version_id: string | number;
  item_version: number;
  company_uscc: string;
  hall_code: string | null;
  taken_in_hall_code: string | null;
  status: ServiceRequest['status'];
  form: unknown;
  materials: unknown;
  supplement: unknown;
  outcome_reason: string | null;
  submitted_by: string | number;
  on_behalf_of: string | null;
  submitted_at: Date | string;
  accepted_at: Date | string | null;
  completed_at: Date | string | null;
  ended_at: Date | string | null;
  updated_at: Date | string;
  s_request_id: string | number | null;
  s_step_key: string | null;
  s_position: number;
  s_matter_code: string;
  s_matter_name: string;
  s_department_code: string;
  s_depends_on: unknown;
  s_status: RequestStep['status'];
  s_activated_at: Date | string | null;
  s_decided_at: Date | string | null;
  s_decided_by: string | number | null;
  s_decision_note: string | null;
  s_output_kind: string;
  s_output_name: string;
  s_output_number: string | null;
  s_issued_at: Date | string | null;
  /** LOCKED_SQL only: the request's audit chain head (null when its chain has no head row). */
  a_seq?: number | string | null;
  a_hash?: string | null;
}

/**
 * What TypeORM's MySQL driver makes of a JSON column: mysql2 parses it on MySQL and gives its text
 * on MariaDB (where JSON is LONGTEXT), which is parsed here; text that is not JSON stays as it is.
 */
function json<T>(value: unknown): T {
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return value as T;
  }
}

/** A DATETIME as TypeORM hydrates it: mysql2 already gives a Date (the pool's zone); text becomes one. */
function date<T extends Date | null>(value: Date | string | null): T {
  return (typeof value === 'string' ? new Date(value) : value) as T;
}

/** A BIGINT as TypeORM hydrates it with bigNumberStrings: a string. */
const bigint = (value: string | number) => String(value);

function requestOf(row: RequestAndStepRow): ServiceRequest {
  return Object.assign(new ServiceRequest(), {
    id: bigint(row.id),
    number: row.number,
    itemCode: row.item_code,
    itemVersionId: bigint(row.item_version_id),
    itemVersion: row.item_version,
    companyUscc: row.company_uscc,
    hallCode: row.hall_code,
    takenInAt: row.taken_in_hall_code,
    status: row.status,
    form: json<ServiceRequest['form']>(row.form),
    materials: json<SubmittedMaterial[]>(row.materials),
    supplement: row.supplement === null ? null : json<PendingSupplement>(row.supplement),
    outcomeReason: row.outcome_reason,
    submittedBy: bigint(row.submitted_by),
    onBehalfOf: row.on_behalf_of,
    submittedAt: date<Date>(row.submitted_at),
    acceptedAt: date(row.accepted_at),
    completedAt: date(row.completed_at),
    endedAt: date(row.ended_at),
    updatedAt: date<Date>(row.updated_at),
  } satisfies Record<keyof ServiceRequest, unknown>);
}

/** The step of a row that has one (its key is not null). */
function stepOf(row: RequestAndStepRow): RequestStep {
  return Object.assign(new RequestStep(), {
    requestId: bigint(row.s_request_id!),
    stepKey: row.s_step_key!,
    position: row.s_position,
    matterCode: row.s_matter_code,
    matterName: row.s_matter_name,
    departmentCode: row.s_department_code,
    dependsOn: json<string[]>(row.s_depends_on),
    status: row.s_status,
    activatedAt: date(row.s_activated_at),
    decidedAt: date(row.s_decided_at),
    decidedBy: row.s_decided_by === null ? null : bigint(row.s_decided_by),
    decisionNote: row.s_decision_note,
    outputKind: row.s_output_kind,
    outputName: row.s_output_name,
    outputNumber: row.s_output_number,
    issuedAt: date(row.s_issued_at),
  } satisfies Record<keyof RequestStep, unknown>);
}

/**
 * The request of this id and its steps in the order they run (by position), its row and theirs
 * locked (FOR UPDATE) when `lock`, with its audit chain's head locked too; null when there is no
 * such request.
 */
export async function readRequestAndSteps(
  manager: EntityManager,
  id: string,
  lock: boolean,
): Promise<{ request: ServiceRequest; steps: RequestStep[]; auditHead?: ChainHead } | null> {
  const rows = (await manager.query(
    lock ? LOCKED_SQL : REQUEST_AND_STEPS_SQL,
    lock ? [id, id] : [id],
  )) as RequestAndStepRow[];
  if (rows.length === 0) return null;
  // Sorted here rather than by MySQL (a filesort of the joined rows); a request's steps have
  // distinct positions (their topological order at submission).
  const steps = rows
    .filter((row) => row.s_step_key !== null)
    .map(stepOf)
    .sort((a, b) => a.position - b.position);
  const [first] = rows;
  const request = requestOf(first);
  if (first.a_seq === undefined || first.a_seq === null) return { request, steps };
  return {
    request,
    steps,
    auditHead: { type: 'request', id: request.id, seq: Number(first.a_seq), hash: first.a_hash ?? null },
  };
}
