import fc from 'fast-check';

/**
 * Values a hostile or careless client sends: injection strings, markup, characters that are hard
 * to store (4-byte UTF-8, lone surrogates, control characters), lengths around column limits,
 * numbers past every bound, dates that do not exist, ids and cursors of the wrong shape.
 */

export const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE service_requests; --",
  '1; SELECT SLEEP(5)',
  "' UNION SELECT password_hash FROM users --",
  "%' AND 1=1 --",
  '\\',
  "\\'",
  '"',
  '`id`',
  '0x27',
  "admin'--",
  '1 OR 1=1',
  "'); INSERT INTO users (username) VALUES ('x'); --",
];

export const HTML = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '&lt;&amp;&#0;&#x0;',
  '<!--',
  ']]>',
  '{{7*7}}',
  '${7*7}',
  'javascript:alert(1)',
];

/** Each a piece of text that is hard for someone: storage, counting, display or parsing. */
export const UNICODE = [
  '😀',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '𠀀𠀁𪚥',
  '\u{10FFFF}',
  'A\uFE0F',
  'e\u0301',
  '\u202Eevil',
  '\u200B\u200D',
  '\uFEFF',
  '\u2028\u2029',
  '\uFFFE\uFFFF',
  'ｓｅｌｅｃｔ',
  'İıß',
  '示范科技有限公司',
  'مرحبا',
  '\u0000',
  '\u0007\u001b[31m',
  '\r\n',
  '\t',
  '\u007f\u0080\u009f',
  ' ',
  '\u3000',
];

/** Strings with an unpaired UTF-16 surrogate: valid JSON escapes, but no UTF-8 form. */
export const LONE_SURROGATES = ['\uD800', '\uDC00', 'a\uD83D', '\uDE00b', '\uDBFF\uDBFF'];

export const DATES = [
  '2026-02-30',
  '2026-02-29',
  '2028-02-29',
  '2026-13-01',
  '2026-00-10',
  '2026-01-32',
  '0000-01-01',
  '0001-01-01',
  '1000-01-01',
  '1969-12-31',
  '9999-12-31',
  '99999-01-01',
  '+099999-01-01',
  '-000001-01-01',
  '2026-1-1',
  '2026/01/01',
  '20260101',
  '2026-W01-1',
  '2026-001',
  '2026-01-01T25:00:00+08:00',
  '2026-01-01T10:00:00+24:00',
  '2026-01-01T10:00:00',
  '2026-01-01T10:00:00.1234567890Z',
  '2026-06-30T23:59:60Z',
  '1999-12-31T23:59:59Z',
  '2100-12-31T23:59:59+08:00',
  '2101-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '0000-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  'NaN',
  'Invalid Date',
  'now',
  'tomorrow',
];

export const ODD_IDS = [
  '0',
  '-1',
  '01',
  '1.0',
  '1e3',
  '0x1F',
  ' 1',
  '1 ',
  '+1',
  '1,2',
  '18446744073709551615',
  '18446744073709551616',
  '9223372036854775807',
  '9223372036854775808',
  '9'.repeat(19),
  '9'.repeat(20),
  '9'.repeat(300),
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '[object Object]',
  'true',
  '..',
  '.',
  '~',
  '*',
  '%',
  '1;2',
  '1/../2',
];

/** Cursors: base64url of odd content, and strings that are not base64url at all. */
export const ODD_CURSORS = [
  ...['0', '-1', '9'.repeat(20), '9'.repeat(21), "' OR 1=1 --", '\u0000', 'A'.repeat(40), '😀', 'ZONE', ' ', '']
    .map((s) => Buffer.from(s, 'utf8').toString('base64url'))
    .filter((s) => s.length > 0),
  'MQ==',
  'MQ',
  '====',
  '!!!!',
  '%%%',
  '../../etc/passwd',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(5000),
  '_-_-',
];

/** Numbers past every bound a field has, and the ones JSON and JavaScript disagree on. */
export const ODD_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  1.5,
  -1.5,
  0.1 + 0.2,
  1e-7,
  59.99999999999999,
  60.00000000000001,
  2 ** 31,
  2 ** 32,
  2 ** 32 - 1,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 64,
  1e21,
  1e308,
  -1e308,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
];

/** Numbers as text, as a query string or a careless client carries them. */
export const ODD_NUMBER_TEXTS = [
  '',
  ' ',
  '0',
  '-1',
  '-0',
  '1.5',
  '0.5',
  '-1.5',
  '1e2',
  '1e400',
  '0x10',
  '0b1',
  '0o7',
  '1_000',
  '１０',
  '٣',
  'Infinity',
  '-Infinity',
  'NaN',
  '101',
  '100.0',
  '99999999999999999999',
  '1 ',
  ' 1',
  '+5',
  '5a',
  'true',
  'null',
  '[]',
  '{}',
];

const pieces = [...SQL, ...HTML, ...UNICODE];

/** Text a person might type into a field, and text an attacker would. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...pieces) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 8 }))
      .map(([parts, tail]) => parts.join('') + tail),
  },
);

/** Strings of a length around the limits columns have (32, 64, 100, 200, 500, 1000) and far past them. */
export const longText: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('a', '字', '😀', '𠀀', 'A\uFE0F', "'", '<', ' ', '\\'),
    fc.oneof(
      fc.constantFrom(31, 32, 33, 63, 64, 65, 99, 100, 101, 127, 128, 129, 199, 200, 201, 499, 500, 501),
      fc.constantFrom(999, 1000, 1001, 4096, 65_536, 70_000),
      fc.integer({ min: 1, max: 3000 }),
    ),
  )
  .map(([unit, n]) => unit.repeat(n));

export const loneSurrogateText: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...LONE_SURROGATES), fc.string({ maxLength: 4 }))
  .map(([s, tail]) => s + tail);

/** Any string a hostile client could put in a JSON string. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: hostileText },
  { weight: 2, arbitrary: longText },
  { weight: 1, arbitrary: loneSurrogateText },
  { weight: 2, arbitrary: fc.constantFrom(...DATES) },
  { weight: 2, arbitrary: fc.constantFrom(...ODD_IDS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_NUMBER_TEXTS) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\n', 'null', 'true', 'undefined', 'workingDays ', 'Admin') },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

/** An array or object nested `depth` levels deep; bodies stop at 24. */
export const deepNesting: fc.Arbitrary<unknown> = fc
  .tuple(fc.integer({ min: 2, max: 40 }), fc.boolean())
  .map(([depth, arrays]) => {
    let value: unknown = 'leaf';
    for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
    return value;
  });

/** Arrays far longer than any field allows (the largest list a body may have is 200 materials). */
export const hugeArray: fc.Arbitrary<unknown[]> = fc
  .tuple(
    fc.constantFrom(51, 101, 201, 1000, 20_000),
    fc.constantFrom<unknown>(1, 'A', '', null, {}, { code: 'A', reference: 'x' }),
  )
  .map(([n, item]) => Array.from({ length: n }, () => item));

/** A value of any JSON type, in shapes no field expects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], [''], { '': '' }) },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: hugeArray },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(hostileText, hostileString, { maxKeys: 4 }) },
);

/** Keys an object should not have. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'admin',
    'role',
    'id',
    'status',
    '$where',
    '$gt',
    'a.b',
    '',
    ' ',
    '😀',
    'toString',
    'hasOwnProperty',
    'valueOf',
    '__proto__',
    'constructor',
    'prototype',
    '__defineGetter__',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
);
