import { APP_CONFIG, type AppConfig, createRedis, type RedisClient } from '#config';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';

/** A connection of its own for /health: fails fast instead of queueing commands while Redis is down. */
@Injectable()
export class RedisHealth implements OnModuleDestroy {
  private readonly client: RedisClient;
  /** The first connection while it is made: probes arriving meanwhile wait for it. */
  private connecting: Promise<void> | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.client = createRedis(config, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 200, 2000),
    });
    this.client.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    // Without the offline queue, a PING sent while the connection is still being made fails at
    // once: a probe arriving beside the first one would report a Redis that is up as down.
    if (this.client.status === 'wait') {
      this.connecting ??= this.client.connect().finally(() => (this.connecting = undefined));
    }
    if (this.connecting) await this.connecting;
    const reply = await this.client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
  }

  onModuleDestroy(): void {
    this.client.disconnect();
  }
}
