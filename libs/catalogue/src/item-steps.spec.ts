import { findCycles, stepProblems, topologicalOrder, type StepDefinition } from './item-steps.js';

const step = (key: string, dependsOn: string[] = [], matterCode = `M-${key.toUpperCase()}`): StepDefinition => ({
  key,
  matterCode,
  dependsOn,
});

/** 开办企业: the licence first, then five steps in parallel that need it. */
const openingABusiness = [
  step('licence'),
  step('seal', ['licence']),
  step('tax', ['licence']),
  step('social', ['licence']),
  step('fund', ['licence']),
  step('bank', ['licence']),
];

describe('stepProblems', () => {
  it('accepts a licence followed by five parallel steps', () => {
    expect(stepProblems(openingABusiness)).toEqual([]);
  });

  it('refuses step keys that differ only in case (one key in URLs and in requests)', () => {
    expect(stepProblems([step('tax'), step('Tax', ['tax'])])).toEqual(['step keys tax and Tax differ only in case']);
  });

  it('refuses an empty step list', () => {
    expect(stepProblems([])).toEqual(['steps must not be empty: an item needs at least one step']);
  });

  it('names the keys on a cycle, in dependency order', () => {
    const problems = stepProblems([step('a', ['c']), step('b', ['a']), step('c', ['b']), step('d', ['a'])]);
    expect(problems).toEqual(['steps form a cycle: a → c → b → a (each depends on the next)']);
  });

  it('reports each separate cycle once', () => {
    const problems = stepProblems([step('a', ['b']), step('b', ['a']), step('x', ['y']), step('y', ['x'])]);
    expect(problems).toEqual([
      'steps form a cycle: a → b → a (each depends on the next)',
      'steps form a cycle: x → y → x (each depends on the next)',
    ]);
  });

  it('names a dependency on an unknown step', () => {
    expect(stepProblems([step('licence'), step('seal', ['licnce'])])).toEqual([
      'step seal depends on unknown step licnce',
    ]);
  });

  it('names a step key used twice', () => {
    expect(stepProblems([step('licence'), step('seal', ['licence']), step('seal')])).toEqual([
      'step key seal is used by more than one step',
    ]);
  });

  it('names a step that depends on itself, and does not also call it a cycle', () => {
    expect(stepProblems([step('licence', ['licence'])])).toEqual(['step licence depends on itself']);
  });

  it('names a dependency listed twice', () => {
    expect(stepProblems([step('licence'), step('seal', ['licence', 'licence'])])).toEqual([
      'step seal lists licence more than once in dependsOn',
    ]);
  });

  it('names unknown matters when it knows which exist', () => {
    const known = new Set(['M-LICENCE']);
    expect(stepProblems([step('licence'), step('seal', ['licence'])], known)).toEqual([
      'step seal names unknown matter M-SEAL',
    ]);
  });

  it('lists every fault at once', () => {
    expect(stepProblems([step('a', ['a', 'nope']), step('b', ['c']), step('c', ['b'])])).toEqual([
      'step a depends on itself',
      'step a depends on unknown step nope',
      'steps form a cycle: b → c → b (each depends on the next)',
    ]);
  });
});

describe('findCycles', () => {
  it('finds none in a DAG with shared dependencies (a diamond)', () => {
    expect(findCycles([step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'])])).toEqual([]);
  });
});

describe('topologicalOrder', () => {
  it('puts the licence first and keeps the listed order of the parallel steps', () => {
    expect(topologicalOrder(openingABusiness)).toEqual(['licence', 'seal', 'tax', 'social', 'fund', 'bank']);
  });

  it('orders every step after all it depends on, even when listed before them', () => {
    const order = topologicalOrder([step('d', ['b', 'c']), step('c', ['a']), step('b', ['a']), step('a')]);
    expect(order).toEqual(['a', 'c', 'b', 'd']);
  });

  it('refuses a graph with a cycle', () => {
    expect(() => topologicalOrder([step('a', ['b']), step('b', ['a'])])).toThrow('steps form a cycle: a → b → a');
  });
});
