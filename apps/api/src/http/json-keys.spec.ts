import { firstDuplicateKey, rejectDuplicateKeys } from './json-keys.js';

describe('firstDuplicateKey', () => {
  it('finds a key written twice in one object, and names where the object is', () => {
    expect(firstDuplicateKey('{"reason":"a","reason":"b"}')).toEqual({ key: 'reason', at: '' });
    expect(firstDuplicateKey('{"form":{"x":1,"y":[{"z":1,"z":2}]}}')).toEqual({ key: 'z', at: 'form.y[0]' });
    expect(firstDuplicateKey('{"materials":[{"code":"A"},{"code":"B","code":"C"}]}')).toEqual({
      key: 'code',
      at: 'materials[1]',
    });
    expect(firstDuplicateKey('{"名称":{"a b":{"k":1,"k":2}}}')).toEqual({ key: 'k', at: '名称."a b"' });
  });

  it('reads keys as JSON.parse does: an escaped key is the same key', () => {
    expect(firstDuplicateKey('{"a":1,"\\u0061":2}')).toEqual({ key: 'a', at: '' });
    expect(firstDuplicateKey('{"\\"":1,"\\u0022":2}')).toEqual({ key: '"', at: '' });
  });

  it('lets the same key through in different objects, and strings that look like keys', () => {
    expect(firstDuplicateKey('{"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}')).toBeNull();
    expect(firstDuplicateKey('{"a":"a","b":"a","c":["a","a"],"d":"{\\"a\\":1,\\"a\\":2}"}')).toBeNull();
    expect(firstDuplicateKey('[{"k":1},{"k":1}]')).toBeNull();
  });

  it('leaves text that is not JSON to the parser', () => {
    expect(firstDuplicateKey('{"a":1,')).toBeNull();
    expect(firstDuplicateKey('{"a')).toBeNull();
    expect(firstDuplicateKey('')).toBeNull();
  });
});

describe('rejectDuplicateKeys', () => {
  it('refuses a body with a key twice with a 400 naming the key and the object', () => {
    expect(() => rejectDuplicateKeys(null, null, Buffer.from('{"form":{"n":1,"n":2}}'), 'utf-8')).toThrow(
      expect.objectContaining({
        status: 400,
        type: 'entity.duplicate.key',
        message: 'request body has the key "n" twice in form: send each key once',
      }),
    );
    expect(() => rejectDuplicateKeys(null, null, Buffer.from('{"n":1}'), 'utf-8')).not.toThrow();
  });
});
