import {
  jsonDepth,
  jsonItems,
  MAX_JSON_DEPTH,
  MAX_JSON_ITEMS,
  rejectDeepJson,
  rejectManyItems,
  rejectNonObjectJson,
} from './json-depth.js';

describe('jsonDepth', () => {
  it('counts nested arrays and objects', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    expect(jsonDepth('{"a":"[[[{{{"}')).toBe(1);
    expect(jsonDepth('{"a":"\\"[[[","b":"\\\\"}')).toBe(1);
    expect(jsonDepth('["商[品]"]')).toBe(1);
  });

  it('stops counting once past the limit', () => {
    expect(jsonDepth('['.repeat(1000), 5)).toBe(6);
  });
});

describe('rejectDeepJson', () => {
  const body = (depth: number) => Buffer.from(`{"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`);

  it(`lets ${MAX_JSON_DEPTH} levels through and refuses one more with a 400 naming the limit`, () => {
    expect(() => rejectDeepJson(null, null, body(MAX_JSON_DEPTH), 'utf-8')).not.toThrow();
    expect(() => rejectDeepJson(null, null, body(MAX_JSON_DEPTH + 1), 'utf-8')).toThrow(
      expect.objectContaining({
        status: 400,
        type: 'entity.too.deep',
        message: `request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
      }),
    );
  });

  it('reads UTF-16 bodies in their own charset', () => {
    const deep = Buffer.from(`{"x":${'['.repeat(100)}${']'.repeat(100)}}`, 'utf16le');
    expect(() => rejectDeepJson(null, null, deep, 'utf-16le')).toThrow('deeper than');
  });
});

describe('jsonItems', () => {
  it('counts array elements and object members at every depth', () => {
    expect(jsonItems('1')).toBe(0);
    expect(jsonItems('{}')).toBe(0);
    expect(jsonItems('[ ]')).toBe(0);
    expect(jsonItems('[1]')).toBe(1);
    expect(jsonItems('{"a":[1,{"b":[]}],"c":{}}')).toBe(5);
    expect(jsonItems('[{},{},[]]')).toBe(3);
  });

  it('ignores commas and brackets inside strings', () => {
    expect(jsonItems('["a,b,[c]","\\",{"]')).toBe(2);
  });

  it('stops once past the bound', () => {
    expect(jsonItems(`[${'1,'.repeat(100_000)}1]`, 10)).toBe(11);
  });
});

describe('rejectManyItems', () => {
  const list = (n: number) => Buffer.from(JSON.stringify({ materials: Array.from({ length: n }, () => ({})) }));

  it(`lets ${MAX_JSON_ITEMS} items through and refuses one more with a 400 naming the limit`, () => {
    expect(() => rejectManyItems(null, null, list(MAX_JSON_ITEMS - 1), 'utf-8')).not.toThrow();
    expect(() => rejectManyItems(null, null, list(MAX_JSON_ITEMS), 'utf-8')).toThrow(
      expect.objectContaining({
        status: 400,
        type: 'entity.too.many.items',
        message: `request body has more than ${MAX_JSON_ITEMS} items (array elements and object members)`,
      }),
    );
  });
});

describe('rejectNonObjectJson', () => {
  it('lets an object through, whitespace before it included, and an empty body', () => {
    for (const text of ['{}', ' \n{"a":[1]}', '']) {
      expect(() => rejectNonObjectJson(null, null, Buffer.from(text), 'utf-8')).not.toThrow();
    }
  });

  it('refuses an array, a string, a number or a literal with a 400 saying a body is an object', () => {
    for (const text of ['[]', ' [{}]', '"x"', '1', 'null', 'true']) {
      expect(() => rejectNonObjectJson(null, null, Buffer.from(text), 'utf-8')).toThrow(
        expect.objectContaining({ status: 400, message: 'request body must be a JSON object' }),
      );
    }
  });
});
