import { jointPromiseProblem, limitInWorkingMinutes, materialProblems, promisedLimitProblem } from './matter-rules.js';

describe('limitInWorkingMinutes', () => {
  it('counts a working day as 7 working hours (09:00-12:00, 13:00-17:00)', () => {
    expect(limitInWorkingMinutes({ value: 1, unit: 'workingDays' })).toBe(420);
    expect(limitInWorkingMinutes({ value: 7, unit: 'workingHours' })).toBe(420);
    expect(limitInWorkingMinutes({ value: 90, unit: 'workingMinutes' })).toBe(90);
  });
});

describe('promisedLimitProblem', () => {
  it('accepts a promise shorter than or equal to the legal limit, across units', () => {
    expect(promisedLimitProblem({ value: 1, unit: 'workingDays' }, { value: 15, unit: 'workingDays' })).toBeNull();
    expect(promisedLimitProblem({ value: 7, unit: 'workingHours' }, { value: 1, unit: 'workingDays' })).toBeNull();
    expect(promisedLimitProblem({ value: 420, unit: 'workingMinutes' }, { value: 1, unit: 'workingDays' })).toBeNull();
  });

  it('refuses a promise longer than the law allows, with both limits in minutes', () => {
    expect(promisedLimitProblem({ value: 8, unit: 'workingHours' }, { value: 1, unit: 'workingDays' })).toBe(
      'promisedLimit (8 workingHours = 480 working minutes) is longer than legalLimit (1 workingDays = 420 working minutes)',
    );
    expect(promisedLimitProblem({ value: 421, unit: 'workingMinutes' }, { value: 7, unit: 'workingHours' })).toMatch(
      /^promisedLimit \(421 workingMinutes = 421 working minutes\) is longer than legalLimit/,
    );
  });
});

describe('jointPromiseProblem', () => {
  it('accepts a joint item’s promise up to its legal limit of 45 working days, across units', () => {
    expect(jointPromiseProblem({ value: 45, unit: 'workingDays' })).toBeNull();
    expect(jointPromiseProblem({ value: 315, unit: 'workingHours' })).toBeNull();
    expect(jointPromiseProblem({ value: 18_900, unit: 'workingMinutes' })).toBeNull();
  });

  it('refuses a longer one, with both limits in minutes', () => {
    expect(jointPromiseProblem({ value: 46, unit: 'workingDays' })).toBe(
      'promisedLimit (46 workingDays = 19320 working minutes) is longer than the legal limit of a joint item (45 workingDays = 18900 working minutes)',
    );
    expect(jointPromiseProblem({ value: 18_901, unit: 'workingMinutes' })).toMatch(
      /^promisedLimit \(18901 workingMinutes/,
    );
  });
});

describe('materialProblems', () => {
  it('names a material code listed twice, once', () => {
    expect(materialProblems([{ code: 'A' }, { code: 'B' }, { code: 'A' }, { code: 'A' }])).toEqual([
      'material code A appears more than once in the matter',
    ]);
    expect(materialProblems([{ code: 'A' }, { code: 'B' }])).toEqual([]);
  });
});
