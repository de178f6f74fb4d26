import { validateSync } from 'class-validator';
import { CharLength } from './char-length.js';

class Note {
  @CharLength(1, 4)
  text: string;
}

const problems = (text: unknown) =>
  validateSync(Object.assign(new Note(), { text })).flatMap((e) => Object.values(e.constraints ?? {}));

describe('CharLength', () => {
  it('counts code points, as a utf8mb4 column does: emoji and 4-byte characters are one each', () => {
    expect(problems('😀𠀀ab')).toEqual([]);
  });

  it('counts variation selectors, which class-validator’s @Length skips', () => {
    expect(problems('a\uFE0Fb\uFE0F')).toEqual([]);
    expect(problems('a\uFE0Fb\uFE0Fc')).toEqual(['text must be shorter than or equal to 4 characters']);
  });

  it('names a string too short and a value that is not a string', () => {
    expect(problems('')).toEqual(['text must be longer than or equal to 1 characters']);
    expect(problems(5)).toEqual(['text must be longer than or equal to 1 characters']);
  });
});
