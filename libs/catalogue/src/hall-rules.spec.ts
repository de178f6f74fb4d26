import { hallParentProblem } from './hall-rules.js';

describe('hallParentProblem (the 1+5+N network)', () => {
  it('accepts a centre without a parent and refuses one with a parent', () => {
    expect(hallParentProblem('centre', undefined, null)).toBeNull();
    expect(hallParentProblem('centre', 'X', { level: 'centre' })).toBe(
      'a centre hall has no parent: leave parentCode out',
    );
  });

  it('puts a branch under a centre only', () => {
    expect(hallParentProblem('branch', 'C', { level: 'centre' })).toBeNull();
    expect(hallParentProblem('branch', undefined, null)).toBe('a branch hall needs parentCode: the code of a centre');
    expect(hallParentProblem('branch', 'B', { level: 'branch' })).toBe(
      'the parent of a branch hall must be a centre; B is a branch',
    );
  });

  it('puts a point under a branch or a centre', () => {
    expect(hallParentProblem('point', 'B', { level: 'branch' })).toBeNull();
    expect(hallParentProblem('point', 'C', { level: 'centre' })).toBeNull();
    expect(hallParentProblem('point', 'P', { level: 'point' })).toBe(
      'the parent of a point hall must be a branch or centre; P is a point',
    );
  });

  it('names a parent that does not exist', () => {
    expect(hallParentProblem('point', 'NOPE', null)).toBe('parent hall NOPE does not exist');
  });
});
