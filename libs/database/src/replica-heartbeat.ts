import { APP_CONFIG, type AppConfig } from '#config';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

/** How often the primary's heartbeat is stamped: a caught-up replica's `asOf` is at most this old. */
export const HEARTBEAT_INTERVAL_MS = 1000;

/**
 * While read replicas are configured, every api and worker process stamps the primary's one
 * heartbeat row each second with the primary's time. Replication applies changes in the primary's
 * commit order, so a replica whose copy says T has applied everything committed up to T: that is
 * how fresh a report read there is (libs/reports/src/report-reads.ts). Without replicas it does
 * nothing. A missed beat (the primary down) only makes the replicas look older, never fresher.
 */
@Injectable()
export class ReplicaHeartbeat implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReplicaHeartbeat.name);
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private failing = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.database.replicas.length === 0) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), HEARTBEAT_INTERVAL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
  }

  /** One beat, unless the last one is still on its way (a slow primary is not piled on). */
  private tick(): Promise<void> {
    this.beating ??= this.beat().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async beat(): Promise<void> {
    try {
      await this.dataSource.query(
        `INSERT INTO replica_heartbeat (id, beat_at) VALUES (1, UTC_TIMESTAMP(6))
         ON DUPLICATE KEY UPDATE beat_at = GREATEST(beat_at, VALUES(beat_at))`,
      );
      if (this.failing) this.logger.log('the replicas’ heartbeat is stamped again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.logger.warn(`cannot stamp the replicas’ heartbeat: ${(error as Error).message}`);
      this.failing = true;
    }
  }
}
