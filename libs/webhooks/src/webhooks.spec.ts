import { Webhook } from 'standardwebhooks';
import { isRefusedAddress } from './address-guard.js';
import { isKnownPattern, matchesPatterns } from './event-types.js';
import { decryptSecret, encryptSecret, newWebhookSecret, secretKeyBytes, webhookSignature } from './secrets.js';

describe('webhook secrets', () => {
  it('makes Standard Webhooks secrets of 24 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_/);
    expect(secretKeyBytes(secret)?.length).toBe(24);
    expect(newWebhookSecret()).not.toBe(secret);
    expect(secretKeyBytes('whsec_c2hvcnQ=')).toBeNull();
    expect(secretKeyBytes('not a secret')).toBeNull();
  });

  it('signs as the published Standard Webhooks library does', () => {
    const secret = newWebhookSecret();
    const at = new Date('2026-12-07T01:02:03Z');
    const body = '{"id":"msg_1_2","type":"step.approved"}';
    expect(webhookSignature(secret, 'msg_1_2', at.getTime() / 1000, body)).toBe(
      new Webhook(secret).sign('msg_1_2', at, body),
    );
  });

  it('keeps a secret encrypted: unreadable without the key, and a changed byte is refused', () => {
    const secret = newWebhookSecret();
    const stored = encryptSecret(secret, 'k'.repeat(40));
    expect(stored).not.toContain(secret.slice(6));
    expect(decryptSecret(stored, 'k'.repeat(40))).toBe(secret);
    expect(() => decryptSecret(stored, 'x'.repeat(40))).toThrow();
    const bytes = Buffer.from(stored, 'base64');
    bytes[bytes.length - 1] ^= 1;
    expect(() => decryptSecret(bytes.toString('base64'), 'k'.repeat(40))).toThrow();
  });
});

describe('the addresses a webhook must not reach', () => {
  it.each([
    '127.0.0.1',
    '10.0.0.5',
    '172.16.3.4',
    '192.168.0.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('refuses %s', (address) => expect(isRefusedAddress(address)).toBe(true));

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) =>
    expect(isRefusedAddress(address)).toBe(false),
  );
});

describe('event patterns', () => {
  it('knows families, exact types and everything', () => {
    expect(['*', 'step.*', 'request.completed', 'licence.*'].every(isKnownPattern)).toBe(true);
    expect(['nothing.*', 'step.unknown', 'user.created', 'sla.clock-changed'].some(isKnownPattern)).toBe(false);
    expect(matchesPatterns(['step.*'], 'step.approved')).toBe(true);
    expect(matchesPatterns(['step.*'], 'request.accepted')).toBe(false);
    expect(matchesPatterns(['request.completed'], 'request.completed')).toBe(true);
    expect(matchesPatterns(['*'], 'sla.overdue')).toBe(true);
  });
});
