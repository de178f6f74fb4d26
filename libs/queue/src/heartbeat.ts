/**
 * Workers announce themselves in one sorted set (member: host and pid, score: the last beat in ms),
 * one key under the queues' hash tag, so it lives in their Redis Cluster slot. `/health/ready` looks
 * for a beat younger than HEARTBEAT_STALE_MS.
 */
export const workersKey = (prefix: string) => `${prefix}:workers`;
export const HEARTBEAT_EVERY_MS = 5_000;
export const HEARTBEAT_STALE_MS = 30_000;
