import { noticeOf, parseLiveMessage } from './live.types.js';

describe('live messages', () => {
  const message = {
    type: 'step.approved',
    requestId: '42',
    stepKey: 'tax',
    at: '2026-12-07T10:00:00.000+08:00',
    scope: { companyUscc: 'C1', hallCode: null, departments: ['D1'] },
  };

  it('reads a message as published, and sends a client its notice without the scope', () => {
    const parsed = parseLiveMessage(JSON.stringify(message));
    expect(parsed).toEqual(message);
    expect(noticeOf(parsed!)).toEqual({ type: 'step.approved', requestId: '42', stepKey: 'tax', at: message.at });
  });

  it.each([
    ['not JSON', '{'],
    ['null', 'null'],
    ['no scope', JSON.stringify({ ...message, scope: undefined })],
    ['departments not strings', JSON.stringify({ ...message, scope: { ...message.scope, departments: [1] } })],
    ['a number for an id', JSON.stringify({ ...message, requestId: 42 })],
  ])('ignores what is not a message: %s', (_, text) => {
    expect(parseLiveMessage(text)).toBeNull();
  });
});
