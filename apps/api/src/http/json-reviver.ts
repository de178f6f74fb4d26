/** The start of the message a body with ill-formed Unicode gets (the exception filter shows it). */
export const ILL_FORMED_UNICODE = 'request body has a string that is not well-formed Unicode';
/** The start of the message a body with a key Nest would silently delete gets. */
export const FORBIDDEN_KEY = 'request body has a key named';

/** With the `u` flag a paired surrogate is one code point, so only a lone one is in category Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Nest's ValidationPipe deletes these keys at any depth (against prototype pollution), so a
 * free-form field such as a request's form would lose them without a word: they are refused.
 */
const DELETED_BY_NEST = new Set(['__proto__', 'constructor', 'prototype']);

/** Messages of body errors raised here; the exception filter shows them as they are. */
export const isBodyCheckMessage = (message: string): boolean =>
  message.startsWith(ILL_FORMED_UNICODE) || message.startsWith(FORBIDDEN_KEY);

/**
 * JSON.parse reviver, run on every key and value of a request body:
 * - refuses keys and strings holding a lone UTF-16 surrogate (`"\ud800"`). JSON text allows the
 *   escape, but such a string has no UTF-8 form: MySQL's JSON columns refuse it and varchar
 *   columns would store U+FFFD instead, so it is a 400 before anything is written;
 * - refuses the keys `__proto__`, `constructor` and `prototype`, which would otherwise vanish silently.
 */
export function checkJsonValue(key: string, value: unknown): unknown {
  if ((typeof value === 'string' && LONE_SURROGATE.test(value)) || LONE_SURROGATE.test(key)) {
    throw new SyntaxError(`${ILL_FORMED_UNICODE} (a lone surrogate such as \\ud800)`);
  }
  if (DELETED_BY_NEST.has(key)) {
    throw new SyntaxError(`${FORBIDDEN_KEY} ${key}, which this api does not accept anywhere`);
  }
  return value;
}
