import { formatInstant } from '#common';
import type { ServiceRequest } from '#database';
import { licenceStatus } from '#licences';
import type { SlaClock, SlaObject, SlaService } from '#sla';
import type { EntityManager } from 'typeorm';
import { readEvaluation } from './evaluation-views.js';
import { isEvaluable } from './follow-up-state.js';
import type { OutputLicence, RequestExtras, RequestSla } from './request-views.js';

/** What a request shows beside its own row and steps: the rows kept apart, and its clocks' views. */

/** Deferred materials, the extension, the special procedures and the evaluation of a request. */
export async function readExtras(manager: EntityManager, request: ServiceRequest, at: Date): Promise<RequestExtras> {
  const requestId = String(request.id);
  const deferred = (await manager.query(
    'SELECT code, due_at, supplied_at FROM deferred_materials WHERE request_id = ? ORDER BY due_at, code',
    [requestId],
  )) as { code: string; due_at: Date; supplied_at: Date | null }[];
  const [extension] = (await manager.query(
    'SELECT working_days, legal_working_days, reason, granted_at FROM request_extensions WHERE request_id = ?',
    [requestId],
  )) as { working_days: number; legal_working_days: number | null; reason: string; granted_at: Date }[];
  const procedures = (await manager.query(
    `SELECT p.id, p.step_key, p.reason, p.started_at, p.ends_at, p.ended_at, p.created_by, s.username AS started_by,
       p.ended_by AS ended_by_id, e.username AS ended_by
     FROM special_procedures p
     LEFT JOIN users s ON s.id = p.created_by
     LEFT JOIN users e ON e.id = p.ended_by
     WHERE p.request_id = ? ORDER BY p.id`,
    [requestId],
  )) as {
    id: string | number;
    step_key: string;
    reason: string;
    started_at: Date;
    ends_at: Date;
    ended_at: Date | null;
    created_by: string | number;
    started_by: string | null;
    ended_by_id: string | number | null;
    ended_by: string | null;
  }[];
  return {
    deferredMaterials: deferred.map((d) => ({
      code: d.code,
      dueAt: formatInstant(d.due_at),
      suppliedAt: d.supplied_at ? formatInstant(d.supplied_at) : null,
    })),
    extension: extension
      ? {
          workingDays: Number(extension.working_days),
          legalWorkingDays: extension.legal_working_days === null ? null : Number(extension.legal_working_days),
          reason: extension.reason,
          grantedAt: formatInstant(extension.granted_at),
        }
      : null,
    specialProcedures: procedures.map((p) => ({
      id: String(p.id),
      stepKey: p.step_key,
      reason: p.reason,
      startedAt: formatInstant(p.started_at),
      endsAt: formatInstant(p.ends_at),
      endedAt: p.ended_at ? formatInstant(p.ended_at) : null,
      startedBy: { id: String(p.created_by), username: p.started_by ?? '' },
      endedBy: p.ended_by_id === null ? null : { id: String(p.ended_by_id), username: p.ended_by ?? '' },
    })),
    // Only a request that ended with a decision is rated: the others are not looked up.
    evaluation: isEvaluable(request.status) ? await readEvaluation(manager, requestId) : null,
    // Only a completed request has licences (电子证照), one per output.
    licences: request.status === 'completed' ? await readLicences(manager, requestId, at) : [],
  };
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
