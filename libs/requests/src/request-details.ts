import { formatInstant } from '#common';
import type { ServiceRequest } from '#database';
import { licenceStatus } from '#licences';
import { CLOCK_COLUMNS, clockOfPrefixedRow, type SlaClock, type SlaObject, type SlaService } from '#sla';
import type { EntityManager } from 'typeorm';
import { readEvaluation } from './evaluation-views.js';
import { isEvaluable } from './follow-up-state.js';
import type { OutputLicence, RequestExtras, RequestSla } from './request-views.js';

/** What a request shows beside its own row and steps: the rows kept apart, and its clocks' views. */

/**
 * A row of DETAILS_SQL: `part` says which list it belongs to, and only that part's columns are set
 * (a clock's are its `sla_clocks` columns named `c_<column>`).
 */
interface DetailsRow {
  part: 'c' | 'd' | 'e' | 'p';
  d_code: string | null;
  d_due_at: Date | null;
  d_supplied_at: Date | null;
  e_working_days: number | null;
  e_legal_working_days: number | null;
  e_reason: string | null;
  e_granted_at: Date | null;
  p_id: string | number | null;
  p_step_key: string | null;
  p_reason: string | null;
  p_started_at: Date | null;
  p_ends_at: Date | null;
  p_ended_at: Date | null;
  p_created_by: string | number | null;
  p_started_by: string | null;
  p_ended_by_id: string | number | null;
  p_ended_by: string | null;
  [clockColumn: `c_${string}`]: unknown;
}

const NO_CLOCK = CLOCK_COLUMNS.map(() => 'NULL').join(', ');

/**
 * A request's clocks (by id), deferred materials (by due date, then code), its extension and its
 * special procedures (in the order they started), as one result: each part has columns of its own,
 * typed by the column it reads, so the union never converts a value.
 */
const DETAILS_SQL = `SELECT 'd' AS part, code AS d_code, due_at AS d_due_at, supplied_at AS d_supplied_at,
    NULL AS e_working_days, NULL AS e_legal_working_days, NULL AS e_reason, NULL AS e_granted_at,
    NULL AS p_id, NULL AS p_step_key, NULL AS p_reason, NULL AS p_started_at, NULL AS p_ends_at, NULL AS p_ended_at,
    NULL AS p_created_by, NULL AS p_started_by, NULL AS p_ended_by_id, NULL AS p_ended_by,
    ${CLOCK_COLUMNS.map((column) => `NULL AS c_${column}`).join(', ')}
  FROM deferred_materials WHERE request_id = ?
UNION ALL
SELECT 'e', NULL, NULL, NULL, working_days, legal_working_days, reason, granted_at,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${NO_CLOCK}
  FROM request_extensions WHERE request_id = ?
UNION ALL
SELECT 'p', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    p.id, p.step_key, p.reason, p.started_at, p.ends_at, p.ended_at, p.created_by, s.username, p.ended_by, e.username,
    ${NO_CLOCK}
  FROM special_procedures p
  LEFT JOIN users s ON s.id = p.created_by
  LEFT JOIN users e ON e.id = p.ended_by
  WHERE p.request_id = ?
UNION ALL
SELECT 'c', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${CLOCK_COLUMNS.map((column) => `c.${column}`).join(', ')}
  FROM sla_clocks c WHERE c.request_id = ?
ORDER BY part, d_due_at, d_code, p_id, c_id`;

/**
 * A request's deferred materials, extension, special procedures and evaluation, and its clocks
 * (every one, stopped ones too, in the order they were started).
 */
export async function readDetails(
  manager: EntityManager,
  request: ServiceRequest,
  at: Date,
): Promise<{ extras: RequestExtras; clocks: SlaClock[] }> {
  const requestId = String(request.id);
  // One round trip for the four lists (each part fills its own columns, the others are NULL):
  // this runs inside every change's transaction, where each query is a socket write, a read and the
  // driver's parsing on the api's CPU.
  const rows = (await manager.query(DETAILS_SQL, [requestId, requestId, requestId, requestId])) as DetailsRow[];
  const deferred = rows.filter((r) => r.part === 'd');
  const extension = rows.find((r) => r.part === 'e');
  const procedures = rows.filter((r) => r.part === 'p');
  const extras: RequestExtras = {
    deferredMaterials: deferred.map((d) => ({
      code: d.d_code!,
      dueAt: formatInstant(d.d_due_at!),
      suppliedAt: d.d_supplied_at ? formatInstant(d.d_supplied_at) : null,
    })),
    extension: extension
      ? {
          workingDays: Number(extension.e_working_days),
          legalWorkingDays: extension.e_legal_working_days === null ? null : Number(extension.e_legal_working_days),
          reason: extension.e_reason!,
          grantedAt: formatInstant(extension.e_granted_at!),
        }
      : null,
    specialProcedures: procedures.map((p) => ({
      id: String(p.p_id),
      stepKey: p.p_step_key!,
      reason: p.p_reason!,
      startedAt: formatInstant(p.p_started_at!),
      endsAt: formatInstant(p.p_ends_at!),
      endedAt: p.p_ended_at ? formatInstant(p.p_ended_at) : null,
      startedBy: { id: String(p.p_created_by), username: p.p_started_by ?? '' },
      endedBy: p.p_ended_by_id === null ? null : { id: String(p.p_ended_by_id), username: p.p_ended_by ?? '' },
    })),
    // Only a request that ended with a decision is rated: the others are not looked up.
    evaluation: isEvaluable(request.status) ? await readEvaluation(manager, requestId) : null,
    // Only a completed request has licences (电子证照), one per output.
    licences: request.status === 'completed' ? await readLicences(manager, requestId, at) : [],
  };
  const clocks = rows.filter((r) => r.part === 'c').map((r) => clockOfPrefixedRow(r, 'c_'));
  return { extras, clocks };
}

/** The licences a completed request's outputs became, with their standing at `at`. */
async function readLicences(manager: EntityManager, requestId: string, at: Date): Promise<OutputLicence[]> {
  const rows = (await manager.query(
    'SELECT id, step_key, verification_code, valid_until, revoked_at FROM licences WHERE request_id = ? ORDER BY id',
    [requestId],
  )) as {
    id: string | number;
    step_key: string;
    verification_code: string;
    valid_until: Date | null;
    revoked_at: Date | null;
  }[];
  return rows.map((row) => ({
    id: String(row.id),
    stepKey: row.step_key,
    verificationCode: row.verification_code,
    validUntil: row.valid_until ? formatInstant(row.valid_until) : null,
    status: licenceStatus({ revokedAt: row.revoked_at, validUntil: row.valid_until }, at),
  }));
}

/** 容缺受理: the codes of the request's deferred materials not handed in yet. */
export async function outstandingDeferred(manager: EntityManager, requestId: string): Promise<string[]> {
  const rows = (await manager.query(
    'SELECT code FROM deferred_materials WHERE request_id = ? AND supplied_at IS NULL',
    [requestId],
  )) as { code: string }[];
  return rows.map((r) => r.code);
}

/** The views of a request's clocks: the latest of each, the request clock over the intake one, the follow-up's. */
export async function slaViews(sla: SlaService, clocks: readonly SlaClock[], now: Date): Promise<RequestSla> {
  const latest = new Map<string, SlaClock>();
  for (const clock of clocks) latest.set(`${clock.kind}:${clock.stepKey ?? ''}`, clock);
  const requestClock = latest.get('request:') ?? latest.get('intake:');
  const steps = new Map<string, SlaObject>();
  for (const clock of latest.values()) {
    if (clock.kind === 'step' && clock.stepKey) steps.set(clock.stepKey, await sla.view(clock, now));
  }
  const followUp = latest.get('follow-up:');
  return {
    request: requestClock ? await sla.view(requestClock, now) : null,
    steps,
    followUp: followUp ? await sla.view(followUp, now) : null,
  };
}
