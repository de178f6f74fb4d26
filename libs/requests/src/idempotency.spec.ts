import { canonicalJson, fingerprintOf } from './idempotency.js';

describe('idempotency fingerprints', () => {
  it('treats the same input in another key order as the same request', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(fingerprintOf('accept 1', { a: 1, b: 2 })).toBe(fingerprintOf('accept 1', { b: 2, a: 1 }));
  });

  it('tells operations and inputs apart', () => {
    expect(fingerprintOf('accept 1', {})).not.toBe(fingerprintOf('accept 2', {}));
    expect(fingerprintOf('refuse 1', { reason: 'a' })).not.toBe(fingerprintOf('refuse 1', { reason: 'b' }));
  });

  it('ignores absent optional fields, as a client that omits them sends the same request', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });
});
