import { assertNever } from '#common';
import type { MatterMaterial, TimeLimit } from '#database';

/**
 * One working day of the zone's calendar is 09:00-12:00 plus 13:00-17:00: 7 working hours, 420
 * working minutes. Limits in different units are compared on this scale.
 */
export const WORKING_MINUTES_PER_DAY = 420;

export function limitInWorkingMinutes(limit: TimeLimit): number {
  switch (limit.unit) {
    case 'workingDays':
      return limit.value * WORKING_MINUTES_PER_DAY;
    case 'workingHours':
      return limit.value * 60;
    case 'workingMinutes':
      return limit.value;
    default:
      return assertNever(limit.unit, 'limit unit');
  }
}

export function describeLimit(limit: TimeLimit): string {
  return `${limit.value} ${limit.unit}`;
}

/**
 * 行政许可法 Art. 42: a joint item's (联合办理) request is decided within 45 working days as a whole,
 * whatever its steps' own legal limits.
 */
export const JOINT_LEGAL_LIMIT: TimeLimit = { value: 45, unit: 'workingDays' };

/** A promise may be shorter than the law allows (承诺时限 ≤ 法定时限), never longer. */
export function promisedLimitProblem(promised: TimeLimit, legal: TimeLimit): string | null {
  const promisedMinutes = limitInWorkingMinutes(promised);
  const legalMinutes = limitInWorkingMinutes(legal);
  if (promisedMinutes <= legalMinutes) return null;
  return (
    `promisedLimit (${describeLimit(promised)} = ${promisedMinutes} working minutes) is longer than ` +
    `legalLimit (${describeLimit(legal)} = ${legalMinutes} working minutes)`
  );
}

/**
 * A joint item promises no more than its request's legal limit (JOINT_LEGAL_LIMIT), compared in
 * working minutes as a matter's promise is against its legal limit.
 */
export function jointPromiseProblem(promised: TimeLimit): string | null {
  const promisedMinutes = limitInWorkingMinutes(promised);
  const legalMinutes = limitInWorkingMinutes(JOINT_LEGAL_LIMIT);
  if (promisedMinutes <= legalMinutes) return null;
  return (
    `promisedLimit (${describeLimit(promised)} = ${promisedMinutes} working minutes) is longer than ` +
    `the legal limit of a joint item (${describeLimit(JOINT_LEGAL_LIMIT)} = ${legalMinutes} working minutes)`
  );
}

/** A matter names each material once: the checklist merges materials across matters by code. */
export function materialProblems(materials: readonly Pick<MatterMaterial, 'code'>[]): string[] {
  const seen = new Set<string>();
  const reported = new Set<string>();
  const problems: string[] = [];
  for (const { code } of materials) {
    if (seen.has(code) && !reported.has(code)) {
      problems.push(`material code ${code} appears more than once in the matter`);
      reported.add(code);
    }
    seen.add(code);
  }
  return problems;
}
