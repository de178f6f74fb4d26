import { formProblems } from '#catalogue';
import { validationFailed } from '#common';
import type { JsonObject, RequestStep, ServiceRequest, SubmittedMaterial } from '#database';
import { FilesService } from '#files';
import type { Actor } from '#identity';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ItemVersions } from './item-versions.js';
import { uniqueProblems } from './material-checks.js';
import { RequestChanges } from './request-changes.js';
import { outstandingDeferred } from './request-details.js';
import { allStepsApproved } from './request-state.js';
import { type Change, endRequest, illegalRequest, moveRequest } from './request-transitions.js';
import type { RequestView } from './request-views.js';
import type { SupplementInput } from './requests.types.js';
import { complete } from './step-decisions.js';

/** The request's materials with those handed in now in place of any earlier ones of the same code. */
function replaceMaterials(request: ServiceRequest, materials: readonly SubmittedMaterial[]): void {
  const supplied = new Set(materials.map((m) => m.code));
  request.materials = [
    ...request.materials.filter((m) => !supplied.has(m.code)),
    ...materials.map((m) => ({ code: m.code, reference: m.reference, ...(m.fileId ? { fileId: m.fileId } : {}) })),
  ];
}

/** The files among materials, each with the material it is. */
export const filesOf = (materials: readonly SubmittedMaterial[]) =>
  materials.flatMap((m) => (m.fileId ? [{ fileId: m.fileId, materialCode: m.code }] : []));

const requestOf = (request: ServiceRequest) => ({ id: String(request.id), companyUscc: request.companyUscc });

/** The top-level fields of a form that a correction adds, changes or removes, in name order. */
function changedFields(before: JsonObject, after: JsonObject): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * What the applicant does with a request of theirs after submitting it: hand in the materials a
 * supplement request asked for (补正) or those deferred at acceptance (容缺受理), or withdraw it.
 */
@Injectable()
export class ApplicantActions {
  constructor(
    private readonly changes: RequestChanges,
    private readonly versions: ItemVersions,
    private readonly files: FilesService,
  ) {}

  /**
   * Answers a supplement request with every material asked for, and a corrected form when the
   * applicant sends one (checked against the version's form schema as at submission); in progress,
   * hands in deferred materials.
   */
  supply(actor: Actor, id: string, input: SupplementInput, key?: string): Promise<RequestView> {
    return this.changes.run(
      { actor, id, path: 'supplements', input, key },
      async ({ request, steps }, change, manager) => {
        if (request.status === 'in_progress') return this.supplyDeferred(manager, request, steps, input, change);
        const asked = request.supplement;
        if (request.status !== 'supplement_required' || !asked) throw illegalRequest(request, 'supply');
        const version = await this.versions.byId(request.itemVersionId, manager);
        const codes = input.materials.map((m) => m.code);
        const onChecklist = new Set(version.checklist.map((e) => e.code));
        const problems = uniqueProblems(codes, 'materials');
        const unknown = codes.filter((code) => !onChecklist.has(code));
        if (unknown.length)
          problems.push(`materials not on the checklist of ${version.itemCode}: ${unknown.join(', ')}`);
        const missing = asked.materials.filter((code) => !codes.includes(code));
        if (missing.length) problems.push(`missing the materials asked for: ${missing.join(', ')}`);
        if (input.form) problems.push(...formProblems(version.formSchema, input.form));
        if (problems.length) throw validationFailed(problems);
        await this.files.attach(manager, actor, requestOf(request), filesOf(input.materials));

        const corrected = input.form ? changedFields(request.form, input.form) : [];
        moveRequest(request, 'supply', change, {
          materials: codes,
          stage: asked.stage,
          stepKey: asked.stepKey,
          ...(input.form ? { formCorrected: true, formFields: corrected } : {}),
        });
        replaceMaterials(request, input.materials);
        request.supplement = null;
        if (input.form) {
          request.form = input.form;
          await manager.query('UPDATE service_requests SET form = ? WHERE id = ?', [
            JSON.stringify(input.form),
            request.id,
          ]);
        }
      },
    );
  }

  /** Withdraws the request before it ends; its undecided steps are cancelled. */
  withdraw(actor: Actor, id: string, key?: string): Promise<RequestView> {
    return this.changes.run({ actor, id, path: 'withdraw', input: {}, key }, ({ request, steps }, change) => {
      moveRequest(request, 'withdraw', change);
      endRequest(request, steps, null, change);
    });
  }

  /** 容缺受理: deferred materials handed in; the last one lets a request whose steps are all approved complete. */
  private async supplyDeferred(
    manager: EntityManager,
    request: ServiceRequest,
    steps: RequestStep[],
    input: SupplementInput,
    change: Change,
  ): Promise<void> {
    const outstanding = await outstandingDeferred(manager, String(request.id));
    if (outstanding.length === 0) throw illegalRequest(request, 'supply');
    if (input.form) {
      throw validationFailed(
        'form may be corrected only in answer to a supplement request, not with deferred materials',
      );
    }
    const codes = input.materials.map((m) => m.code);
    const problems = uniqueProblems(codes, 'materials');
    const unexpected = codes.filter((code) => !outstanding.includes(code));
    if (unexpected.length) {
      problems.push(
        `materials not deferred or already in: ${unexpected.join(', ')} (outstanding: ${outstanding.join(', ')})`,
      );
    }
    if (problems.length) throw validationFailed(problems);
    await this.files.attach(manager, change.actor!, requestOf(request), filesOf(input.materials));
    moveRequest(request, 'supply_deferred', change, { materials: codes, deferred: true });
    for (const material of input.materials) {
      await manager.query(
        'UPDATE deferred_materials SET supplied_at = ?, reference = ? WHERE request_id = ? AND code = ?',
        [change.now, material.reference, request.id, material.code],
      );
    }
    replaceMaterials(request, input.materials);
    if (outstanding.length === codes.length && allStepsApproved(steps)) complete(request, steps, change);
  }
}
