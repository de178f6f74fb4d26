import { checkJsonValue, FORBIDDEN_KEY, ILL_FORMED_UNICODE } from './json-reviver.js';

describe('checkJsonValue', () => {
  const parse = (text: string) => JSON.parse(text, checkJsonValue) as unknown;

  it('keeps every well-formed string, 4-byte characters and emoji included', () => {
    expect(parse('{"name":"示范科技😀","n":[1,"𠀀"],"toString":{"hasOwnProperty":1}}')).toEqual({
      name: '示范科技😀',
      n: [1, '𠀀'],
      toString: { hasOwnProperty: 1 },
    });
    expect(parse('{"pair":"\\ud83d\\ude00"}')).toEqual({ pair: '😀' });
  });

  it('refuses a lone surrogate in a value or a key, at any depth', () => {
    expect(() => parse('{"reason":"x\\ud800"}')).toThrow(ILL_FORMED_UNICODE);
    expect(() => parse('{"a":[{"b":"\\udc00"}]}')).toThrow(ILL_FORMED_UNICODE);
    expect(() => parse('{"\\ud800":1}')).toThrow(ILL_FORMED_UNICODE);
  });

  it('refuses the keys the framework would delete silently', () => {
    expect(() => parse('{"form":{"constructor":"c"}}')).toThrow(`${FORBIDDEN_KEY} constructor`);
    expect(() => parse('{"__proto__":{"admin":true}}')).toThrow(`${FORBIDDEN_KEY} __proto__`);
    expect(() => parse('{"name":"x","prototype":-1}')).toThrow(`${FORBIDDEN_KEY} prototype`);
  });
});
