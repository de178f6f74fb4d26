import { canonicalJson, chainHash, chainText, type ChainedEvent } from './audit-chain.js';

const event: ChainedEvent = {
  subjectType: 'request',
  subjectId: '42',
  seq: 2,
  prevHash: 'a'.repeat(64),
  action: 'request.accepted',
  statusFrom: 'submitted',
  statusTo: 'accepted',
  actorId: '7',
  actorRole: 'clerk',
  actorUsername: 'clerk.centre',
  onBehalfOf: null,
  payload: { b: 1, a: { d: [2, { z: 1, y: '营业执照 😀' }], c: null } },
  occurredAt: new Date('2026-11-27T01:02:03.456Z'),
};

describe('audit hash chain', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 'x' }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":"x","z":1}]},"b":1}',
    );
  });

  it('hashes a payload the same whatever order its keys come back in', () => {
    const reordered = { ...event, payload: { a: { c: null, d: [2, { y: '营业执照 😀', z: 1 }] }, b: 1 } };
    expect(chainHash(reordered)).toBe(chainHash(event));
  });

  it('is a SHA-256 over the previous hash and every column, so each change gives another hash', () => {
    const hash = chainHash(event);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const changes: Partial<ChainedEvent>[] = [
      { subjectType: 'item' },
      { subjectId: '43' },
      { seq: 3 },
      { prevHash: 'b'.repeat(64) },
      { prevHash: null },
      { action: 'request.refused' },
      { statusFrom: null },
      { statusTo: 'refused' },
      { actorId: '8' },
      { actorRole: 'admin' },
      { actorUsername: 'someone' },
      { onBehalfOf: '91320594MA1XK7T2QQ' },
      { payload: { b: 2, a: { d: [2, { z: 1, y: '营业执照 😀' }], c: null } } },
      { payload: null },
      { occurredAt: new Date('2026-11-27T01:02:03.457Z') },
    ];
    const hashes = changes.map((change) => chainHash({ ...event, ...change }));
    expect(new Set([hash, ...hashes]).size).toBe(changes.length + 1);
  });

  it('cannot be fooled by moving text from one column into the next', () => {
    const a = chainHash({ ...event, actorRole: 'clerk', actorUsername: 'x' });
    const b = chainHash({ ...event, actorRole: 'clerkx', actorUsername: '' });
    expect(a).not.toBe(b);
    expect(chainText(event).startsWith('["audit-v1","aaaa')).toBe(true);
  });
});
