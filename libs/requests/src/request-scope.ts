import { notFound } from '#common';
import type { RequestStep, ServiceRequest } from '#database';
import type { Actor } from '#identity';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { readRequestAndSteps } from './request-rows.js';

export const REQUEST_ID = /^[1-9]\d{0,18}$/;

/**
 * Who sees which request (API.md, Requests): an applicant their company's, an approver those with
 * a step of their department, a clerk those of their hall and those no hall has taken yet (online
 * submissions waiting for intake), a manager what the clerks of their hall see (all of them when
 * the manager is bound to no hall) and, when bound to a department, only those with a step of it (as
 * its approvers see them), admins all; a department's own system (role `system`) what its
 * approvers see. Anything else is "not found".
 */
export function canSee(actor: Actor, request: ServiceRequest, steps: readonly RequestStep[]): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'manager':
      return (
        (actor.hallCode === undefined || hallSees(actor.hallCode, request)) &&
        (actor.departmentCode === undefined || hasStepOf(actor.departmentCode, steps))
      );
    case 'applicant':
      return actor.companyUscc !== undefined && request.companyUscc === actor.companyUscc;
    case 'clerk':
      return actor.hallCode !== undefined && hallSees(actor.hallCode, request);
    case 'approver':
    case 'system':
      return actor.departmentCode !== undefined && hasStepOf(actor.departmentCode, steps);
  }
}

const hasStepOf = (departmentCode: string, steps: readonly RequestStep[]) =>
  steps.some((s) => s.departmentCode === departmentCode);

/** A hall's requests, and those no hall has taken yet. */
const hallSees = (hallCode: string, request: ServiceRequest) =>
  request.hallCode === null || request.hallCode === hallCode;

/** The same rule as a condition on a query of `service_requests` aliased `r`. */
export function scopeQuery<T extends object>(query: SelectQueryBuilder<T>, actor: Actor): SelectQueryBuilder<T> {
  const hall = (hallCode: string) =>
    query.andWhere('(r.hall_code = :scopeHall OR r.hall_code IS NULL)', { scopeHall: hallCode });
  const department = (departmentCode: string) =>
    query.andWhere(
      'EXISTS (SELECT 1 FROM request_steps ss WHERE ss.request_id = r.id AND ss.department_code = :scopeDepartment)',
      { scopeDepartment: departmentCode },
    );
  switch (actor.role) {
    case 'admin':
      return query;
    case 'manager':
      if (actor.hallCode !== undefined) hall(actor.hallCode);
      return actor.departmentCode === undefined ? query : department(actor.departmentCode);
    case 'applicant':
      return query.andWhere('r.company_uscc = :scopeCompany', { scopeCompany: actor.companyUscc ?? '' });
    case 'clerk':
      return hall(actor.hallCode ?? '');
    case 'approver':
    case 'system':
      return department(actor.departmentCode ?? '');
  }
}

/**
 * The request and its steps as the actor may see them, its row locked (FOR UPDATE) when `lock`:
 * every action takes that lock before it changes anything of the request (its steps' rows are
 * locked after it, by the same statement: request-rows.ts). Not yours is answered exactly like
 * absent, so nothing reveals that the request exists.
 */
export async function loadVisibleRequest(
  manager: EntityManager,
  actor: Actor,
  id: string,
  lock: boolean,
): Promise<{ request: ServiceRequest; steps: RequestStep[] }> {
  if (!REQUEST_ID.test(id)) throw notFound(`request ${id}`);
  const loaded = await readRequestAndSteps(manager, id, lock);
  if (!loaded || !canSee(actor, loaded.request, loaded.steps)) throw notFound(`request ${id}`);
  return loaded;
}
