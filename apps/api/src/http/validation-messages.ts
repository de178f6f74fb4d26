import type { ValidationError } from '@nestjs/common';

/** The most problems a 400 lists; past it one line says how many more there are. */
export const MAX_VALIDATION_MESSAGES = 20;

/**
 * The messages of class-validator's errors, nested ones prefixed with their path
 * (`materials.1.code: …`), at most `max` of them and then a count of the rest. Without the bound a
 * 300 KB body of 100,000 empty objects in a list of at most 200 got a 44 MB answer listing each.
 */
export function validationMessages(errors: ValidationError[], max = MAX_VALIDATION_MESSAGES): string[] {
  const messages: string[] = [];
  let more = 0;
  const walk = (list: ValidationError[], parent: string) => {
    for (const e of list) {
      const path = parent ? `${parent}.${e.property}` : e.property;
      for (const m of Object.values(e.constraints ?? {})) {
        if (messages.length < max) messages.push(parent ? `${path}: ${m}` : m);
        else more++;
      }
      walk(e.children ?? [], path);
    }
  };
  walk(errors, '');
  if (more > 0) messages.push(`and ${more} more ${more === 1 ? 'problem' : 'problems'} of the same body`);
  return messages;
}
