import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/** Standard Webhooks: a secret is `whsec_` and the base64 of its key bytes (24 random bytes here). */
const PREFIX = 'whsec_';
const SECRET_PATTERN = /^whsec_([A-Za-z0-9+/]+={0,2})$/;
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(MIN_KEY_BYTES).toString('base64');
}

/** The key bytes of a well-formed secret, or null. */
export function secretKeyBytes(secret: string): Buffer | null {
  const match = SECRET_PATTERN.exec(secret);
  if (!match) return null;
  const bytes = Buffer.from(match[1], 'base64');
  return bytes.length >= MIN_KEY_BYTES && bytes.length <= MAX_KEY_BYTES ? bytes : null;
}

/** `v1,` and the base64 HMAC-SHA256 of `${id}.${timestamp}.${body}` under the secret's key bytes. */
export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = secretKeyBytes(secret);
  if (!key) throw new Error('not a webhook secret');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** AES-256-GCM under the SHA-256 of the configured key: base64 of nonce (12), tag (16) and ciphertext. */
export function encryptSecret(secret: string, configuredKey: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey(configuredKey), nonce);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([nonce, cipher.getAuthTag(), sealed]).toString('base64');
}

export function decryptSecret(stored: string, configuredKey: string): string {
  const bytes = Buffer.from(stored, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', aesKey(configuredKey), bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(12, 28));
  return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
}

const aesKey = (configuredKey: string): Buffer => createHash('sha256').update(configuredKey, 'utf8').digest();
