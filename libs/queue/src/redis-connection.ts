import type { AppConfig } from '#config';
import type { RedisOptions } from 'bullmq';

/** ioredis options for the configured Redis; BullMQ requires maxRetriesPerRequest: null on workers. */
export function redisOptions(config: Pick<AppConfig, 'redis'>): RedisOptions {
  const { host, port, username, password, db, tls } = config.redis;
  return {
    host,
    port,
    username,
    password,
    db,
    tls: tls ? {} : undefined,
    maxRetriesPerRequest: null,
    connectTimeout: 5000,
  };
}
