import { type AppConfig, redisEndpoint } from '#config';
import type { RedisOptions } from 'bullmq';

/** ioredis options for the configured Redis; BullMQ requires maxRetriesPerRequest: null on workers. */
export function redisOptions(config: Pick<AppConfig, 'redis'>): RedisOptions {
  return { ...redisEndpoint(config), maxRetriesPerRequest: null, connectTimeout: 5000 };
}
