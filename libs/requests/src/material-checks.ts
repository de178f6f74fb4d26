import { validationFailed } from '#common';
import type { ItemVersion, SubmittedMaterial } from '#database';

/** 一次告知: the checks of the material codes a submission, a supplement request or a supplement names. */

/** A problem naming every code listed more than once, if any. */
export function uniqueProblems(codes: readonly string[], what: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set(codes.filter((code) => seen.size === seen.add(code).size));
  return repeated.size ? [`${what} lists ${[...repeated].join(', ')} more than once`] : [];
}

/** A submission: every material must be on the item's checklist, once, and every required one present. */
export function checkSubmittedMaterials(version: ItemVersion, materials: readonly SubmittedMaterial[]): void {
  const onChecklist = new Map(version.checklist.map((entry) => [entry.code, entry]));
  const codes = materials.map((m) => m.code);
  const problems = uniqueProblems(codes, 'materials');
  const unknown = codes.filter((code) => !onChecklist.has(code));
  if (unknown.length) {
    problems.push(`materials not on the checklist of ${version.itemCode}: ${[...new Set(unknown)].join(', ')}`);
  }
  const given = new Set(codes);
  const missing = version.checklist.filter((entry) => entry.required && !given.has(entry.code)).map((e) => e.code);
  if (missing.length) problems.push(`missing required materials: ${missing.join(', ')}`);
  if (problems.length) throw validationFailed(problems);
}

/** A supplement request (补正): materials of the checklist (at intake) or of the step's matter, once each. */
export function checkAskedMaterials(materials: readonly string[], allowed: ReadonlySet<string>, where: string): void {
  const problems = uniqueProblems(materials, 'materials');
  const unknown = materials.filter((code) => !allowed.has(code));
  if (unknown.length) problems.push(`materials not asked by ${where}: ${[...new Set(unknown)].join(', ')}`);
  if (problems.length) throw validationFailed(problems);
}
