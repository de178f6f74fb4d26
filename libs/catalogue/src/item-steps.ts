/**
 * The steps of a service item form a DAG: a step waits for every step it depends on (并联审批
 * runs the independent ones at the same time). These are the pure rules on that graph.
 */
export interface StepDefinition {
  key: string;
  matterCode: string;
  dependsOn: readonly string[];
}

/**
 * Every fault of a step list, one message each, naming the steps involved; empty when the steps
 * form a valid DAG. `knownMatters`, when given, is the set of matter codes that exist.
 */
export function stepProblems(steps: readonly StepDefinition[], knownMatters?: ReadonlySet<string>): string[] {
  if (steps.length === 0) return ['steps must not be empty: an item needs at least one step'];
  const problems: string[] = [];
  const byKey = new Map<string, StepDefinition>();
  const duplicated = new Set<string>();
  for (const step of steps) {
    if (byKey.has(step.key)) {
      if (!duplicated.has(step.key)) problems.push(`step key ${step.key} is used by more than one step`);
      duplicated.add(step.key);
    } else {
      byKey.set(step.key, step);
    }
  }
  // Keys name steps in URLs and in requests' rows; two that differ only in case would be one there.
  const byFolded = new Map<string, string>();
  for (const key of byKey.keys()) {
    const other = byFolded.get(key.toLowerCase());
    if (other !== undefined) problems.push(`step keys ${other} and ${key} differ only in case`);
    else byFolded.set(key.toLowerCase(), key);
  }
  for (const step of steps) {
    if (knownMatters && !knownMatters.has(step.matterCode)) {
      problems.push(`step ${step.key} names unknown matter ${step.matterCode}`);
    }
    const listed = new Set<string>();
    for (const dependency of step.dependsOn) {
      if (listed.has(dependency)) {
        problems.push(`step ${step.key} lists ${dependency} more than once in dependsOn`);
        continue;
      }
      listed.add(dependency);
      if (dependency === step.key) problems.push(`step ${step.key} depends on itself`);
      else if (!byKey.has(dependency)) problems.push(`step ${step.key} depends on unknown step ${dependency}`);
    }
  }
  for (const cycle of findCycles([...byKey.values()])) {
    problems.push(`steps form a cycle: ${cycle.join(' → ')} (each depends on the next)`);
  }
  return problems;
}

/**
 * The cycles among the steps (each as keys, first key repeated at the end), found by depth-first
 * search along dependsOn. Self-dependencies and unknown keys are left to stepProblems' own messages.
 */
export function findCycles(steps: readonly StepDefinition[]): string[][] {
  const byKey = new Map(steps.map((step) => [step.key, step]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();

  const visit = (key: string): void => {
    state.set(key, 'visiting');
    path.push(key);
    for (const dependency of byKey.get(key)?.dependsOn ?? []) {
      if (dependency === key || !byKey.has(dependency)) continue;
      const dependencyState = state.get(dependency);
      if (dependencyState === 'visiting') {
        const cycle = [...path.slice(path.indexOf(dependency)), dependency];
        const signature = [...new Set(cycle)].sort().join('\u0000');
        if (!seen.has(signature)) {
          seen.add(signature);
          cycles.push(cycle);
        }
      } else if (dependencyState === undefined) {
        visit(dependency);
      }
    }
    path.pop();
    state.set(key, 'done');
  };

  for (const step of steps) if (!state.has(step.key)) visit(step.key);
  return cycles;
}

/**
 * The step keys in an order where every step comes after the steps it depends on; independent
 * steps keep the order they were listed in. Throws when the steps are not a valid DAG.
 */
export function topologicalOrder(steps: readonly StepDefinition[]): string[] {
  const problems = stepProblems(steps);
  if (problems.length > 0) throw new Error(`steps are not a valid DAG: ${problems.join('; ')}`);
  const waitingOn = new Map(steps.map((step) => [step.key, new Set(step.dependsOn)]));
  const order: string[] = [];
  while (order.length < steps.length) {
    // Listing order breaks ties, so the same definition always yields the same order.
    const next = steps.find((step) => !order.includes(step.key) && waitingOn.get(step.key)!.size === 0)!;
    order.push(next.key);
    for (const dependencies of waitingOn.values()) dependencies.delete(next.key);
  }
  return order;
}
