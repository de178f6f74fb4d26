import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Characters as MySQL counts them in a utf8mb4 column: code points. */
export const charCount = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

/**
 * A string of `min`..`max` characters counted as the database counts them. class-validator's
 * `@Length` does not count a variation selector (U+FE0E/U+FE0F) after a character, so a string
 * it passes could overflow its column; this one keeps the same messages.
 */
export function CharLength(min: number, max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'charLength',
      constraints: [min, max],
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          const count = charCount(value);
          return count >= min && count <= max;
        },
        defaultMessage: (args) => {
          const value = args?.value;
          const short = typeof value !== 'string' || charCount(value) < min;
          return short
            ? `$property must be longer than or equal to ${min} characters`
            : `$property must be shorter than or equal to ${max} characters`;
        },
      },
    },
    options,
  );
}
