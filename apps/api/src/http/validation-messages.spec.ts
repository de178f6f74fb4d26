import { ValidationError } from 'class-validator';
import { validationMessages } from './validation-messages.js';

const error = (property: string, constraints: Record<string, string>, children: ValidationError[] = []) =>
  Object.assign(new ValidationError(), { property, constraints, children });

describe('validationMessages', () => {
  it('prefixes nested problems with their path', () => {
    const errors = [
      error('reason', { isString: 'reason must be a string' }),
      error('materials', {}, [error('1', {}, [error('code', { matches: 'code must be a code' })])]),
    ];
    expect(validationMessages(errors)).toEqual(['reason must be a string', 'materials.1.code: code must be a code']);
  });

  it('lists at most the bound and counts the rest in one line', () => {
    const errors = Array.from({ length: 30 }, (_, i) => error(`f${i}`, { a: `f${i} is wrong`, b: `f${i} is bad` }));
    const messages = validationMessages(errors, 5);
    expect(messages).toEqual([
      'f0 is wrong',
      'f0 is bad',
      'f1 is wrong',
      'f1 is bad',
      'f2 is wrong',
      'and 55 more problems of the same body',
    ]);
  });
});
