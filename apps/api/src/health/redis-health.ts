import { APP_CONFIG, type AppConfig, redisEndpoint } from '#config';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Redis } from 'ioredis';

/** A connection of its own for /health: fails fast instead of queueing commands while Redis is down. */
@Injectable()
export class RedisHealth implements OnModuleDestroy {
  private readonly client: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = new Redis({
      ...redisEndpoint(config),
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.client.on('error', () => undefined);
  }

  /** The first connect while it runs: checks arriving together all wait for it. */
  private connecting?: Promise<void>;

  async ping(): Promise<void> {
    // Without offline queueing a PING sent while the first connect is under way fails at once: two
    // checks arriving together on a fresh process answered "redis is down" for all but one.
    if (this.client.status === 'wait') {
      this.connecting = this.client.connect().finally(() => {
        this.connecting = undefined;
      });
    }
    await this.connecting;
    const reply = await this.client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
