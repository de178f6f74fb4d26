import { DomainError, formatInstant, validationFailed } from '#common';
import type { ServiceRequest } from '#database';
import type { Actor } from '#identity';
import { LicencesService } from '#licences';
import { SlaService } from '#sla';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ItemVersions } from './item-versions.js';
import { checkAskedMaterials, uniqueProblems } from './material-checks.js';
import { RequestChanges } from './request-changes.js';
import { endRequest, moveRequest } from './request-transitions.js';
import type { RequestView } from './request-views.js';
import type { AcceptInput, ReasonInput, SupplementRequestInput } from './requests.types.js';
import { activateReady } from './step-decisions.js';

/**
 * The codes of the materials handed in with the last answer to a supplement request at intake
 * (the `request.supplied` event that took the request back to intake); null when none was asked.
 */
async function lastIntakeAnswer(manager: EntityManager, requestId: string): Promise<string[] | null> {
  const [answer] = (await manager.query(
    `SELECT payload FROM audit_events WHERE subject_type = 'request' AND subject_id = ? AND action = 'request.supplied'
       AND status_to = 'submitted' ORDER BY id DESC LIMIT 1`,
    [requestId],
  )) as { payload: { materials?: string[] } | string | null }[];
  if (!answer) return null;
  const payload =
    typeof answer.payload === 'string' ? (JSON.parse(answer.payload) as { materials?: string[] }) : answer.payload;
  return payload?.materials ?? [];
}

/**
 * The hall's window (窗口) decides a submitted request: 受理 (accept it, possibly with deferred
 * materials: 容缺受理), 不予受理 (refuse it) or 补正 (ask for materials first). The hall that acts
 * takes the request when no hall had it yet.
 */
@Injectable()
export class WindowActions {
  constructor(
    private readonly changes: RequestChanges,
    private readonly versions: ItemVersions,
    private readonly sla: SlaService,
    private readonly licences: LicencesService,
  ) {}

  /** 受理: the steps without dependencies become active. */
  accept(actor: Actor, id: string, input: AcceptInput, key?: string): Promise<RequestView> {
    const deferred = input.deferredMaterials ?? [];
    return this.changes.run({ actor, id, path: 'accept', input, key }, async ({ request, steps }, change, manager) => {
      moveRequest(
        request,
        'accept',
        change,
        deferred.length
          ? { deferredMaterials: deferred.map((d) => ({ code: d.code, dueInWorkingDays: d.dueInWorkingDays })) }
          : {},
      );
      const lapsed = await this.lapsedStandIns(manager, request);
      if (lapsed.length) {
        throw new DomainError(
          'IllegalTransition',
          `request ${request.number} cannot be accepted: the licences standing in for its materials are no longer ` +
            `valid (${lapsed.map((l) => `${l.code}: ${l.name} ${l.number} ${l.status}`).join('; ')}); ` +
            `ask for ${lapsed.map((l) => l.code).join(', ')} as a supplement`,
          { state: request.status },
        );
      }
      request.hallCode ??= actor.hallCode ?? null;
      request.acceptedAt = change.now;
      if (deferred.length) await this.deferMaterials(manager, request, deferred, change.now);
      activateReady(request, steps, change);
    });
  }

  /** 免提交: the materials whose stand-in licence was revoked or expired since the submission. */
  private async lapsedStandIns(
    manager: EntityManager,
    request: ServiceRequest,
  ): Promise<{ code: string; name: string; number: string; status: string }[]> {
    const standing = request.materials.flatMap((m) => (m.licence ? [{ code: m.code, licence: m.licence }] : []));
    if (standing.length === 0) return [];
    const status = await this.licences.statusOf(
      manager,
      standing.map((m) => m.licence.id),
    );
    return standing.flatMap(({ code, licence }) => {
      const now = status.get(licence.id)?.status ?? 'revoked';
      return now === 'valid' ? [] : [{ code, name: licence.name, number: licence.number, status: now }];
    });
  }

  /** 不予受理, with the reason. */
  refuse(actor: Actor, id: string, input: ReasonInput, key?: string): Promise<RequestView> {
    return this.changes.run({ actor, id, path: 'refuse', input, key }, ({ request, steps }, change) => {
      moveRequest(request, 'refuse', change, { reason: input.reason });
      request.hallCode ??= actor.hallCode ?? null;
      endRequest(request, steps, input.reason, change);
    });
  }

  /**
   * 补正 at intake: checklist materials the applicant is asked for, with a note. 一次性告知: the
   * applicant is told everything missing at once, so a request asked again after an answer names
   * only materials handed in with that answer (to correct them); the rest were on file when the
   * previous request was made and should have been named then (docs/design.md, 受理补正).
   */
  requestSupplement(actor: Actor, id: string, input: SupplementRequestInput, key?: string): Promise<RequestView> {
    return this.changes.run(
      { actor, id, path: 'supplement-requests', input, key },
      async ({ request }, change, manager) => {
        const version = await this.versions.byId(request.itemVersionId, manager);
        checkAskedMaterials(input.materials, new Set(version.checklist.map((e) => e.code)), version.itemCode);
        if (request.status === 'submitted') {
          const answered = await lastIntakeAnswer(manager, String(request.id));
          // A material a licence stood in for, the licence since revoked or expired, is missing anew.
          const lapsed = new Set((await this.lapsedStandIns(manager, request)).map((l) => l.code));
          const notAnswered = answered
            ? input.materials.filter((code) => !answered.includes(code) && !lapsed.has(code))
            : [];
          if (answered && notAnswered.length > 0) {
            throw new DomainError(
              'IllegalTransition',
              `request ${request.number} was told at intake what to supplement (一次性告知): cannot ask now for ` +
                `${notAnswered.join(', ')}, not handed in with the answer (may be asked to correct: ${answered.join(', ')})`,
              { state: request.status },
            );
          }
        }
        moveRequest(request, 'request_supplement', change, {
          materials: input.materials,
          note: input.note,
        });
        request.hallCode ??= actor.hallCode ?? null;
        request.supplement = {
          stage: 'intake',
          stepKey: null,
          materials: input.materials,
          note: input.note,
          requestedBy: actor.id,
          requestedAt: formatInstant(change.now),
        };
      },
    );
  }

  /** 容缺受理: non-key checklist materials, each due within its working days from acceptance. */
  private async deferMaterials(
    manager: EntityManager,
    request: ServiceRequest,
    deferred: NonNullable<AcceptInput['deferredMaterials']>,
    at: Date,
  ): Promise<void> {
    const version = await this.versions.byId(request.itemVersionId, manager);
    const entries = new Map(version.checklist.map((e) => [e.code, e]));
    const codes = deferred.map((d) => d.code);
    const problems = uniqueProblems(codes, 'deferredMaterials');
    const unknown = codes.filter((code) => !entries.has(code));
    if (unknown.length)
      problems.push(`deferredMaterials not on the checklist of ${version.itemCode}: ${unknown.join(', ')}`);
    const key = codes.filter((code) => entries.get(code)?.key);
    if (key.length) problems.push(`key materials cannot be deferred (容缺 is for non-key ones): ${key.join(', ')}`);
    if (problems.length) throw validationFailed(problems);
    const values: unknown[] = [];
    for (const d of deferred) {
      const dueAt = await this.sla.dueAfter(version.calendarCode, at, {
        value: d.dueInWorkingDays,
        unit: 'workingDays',
      });
      values.push(request.id, d.code, dueAt);
    }
    await manager.query(
      `INSERT INTO deferred_materials (request_id, code, due_at) VALUES ${deferred.map(() => '(?, ?, ?)').join(', ')}`,
      values,
    );
  }
}
