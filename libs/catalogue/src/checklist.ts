import type { MatterMaterial } from '#database';
import type { ChecklistEntry } from './catalogue.types.js';

/**
 * 一张清单 (一次告知): every material the item's matters ask for, each once, with the matters that
 * need it. A material is required, or key, when any matter says so: the applicant is told once
 * what the strictest of the departments needs. Entries keep the order the steps first name them.
 */
export function mergeChecklist(
  steps: readonly { matterCode: string; materials: readonly MatterMaterial[] }[],
): ChecklistEntry[] {
  const entries = new Map<string, ChecklistEntry>();
  for (const step of steps) {
    for (const material of step.materials) {
      const entry = entries.get(material.code);
      if (!entry) {
        entries.set(material.code, {
          code: material.code,
          name: material.name,
          required: material.required,
          key: material.key,
          matters: [step.matterCode],
          ...(material.licenceKind ? { licenceKind: material.licenceKind } : {}),
        });
        continue;
      }
      entry.licenceKind ??= material.licenceKind;
      entry.required ||= material.required;
      entry.key ||= material.key;
      if (!entry.matters.includes(step.matterCode)) entry.matters.push(step.matterCode);
    }
  }
  return [...entries.values()];
}
