import type { HallLevel } from '#database';

/**
 * The 1+5+N network: one centre with no parent, branches under a centre, points under a branch or
 * directly under a centre. Returns what is wrong with a hall's parent, or null.
 */
export function hallParentProblem(
  level: HallLevel,
  parentCode: string | undefined,
  parent: { level: HallLevel } | null,
): string | null {
  if (level === 'centre') return parentCode ? 'a centre hall has no parent: leave parentCode out' : null;
  const allowed: HallLevel[] = level === 'branch' ? ['centre'] : ['branch', 'centre'];
  const expected = allowed.join(' or ');
  if (!parentCode) return `a ${level} hall needs parentCode: the code of a ${expected}`;
  if (!parent) return `parent hall ${parentCode} does not exist`;
  if (!allowed.includes(parent.level)) {
    return `the parent of a ${level} hall must be a ${expected}; ${parentCode} is a ${parent.level}`;
  }
  return null;
}
