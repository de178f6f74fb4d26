import { Clock, formatInstant } from '#common';
import { APP_CONFIG, type AppConfig } from '#config';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, QueryRunner } from 'typeorm';
import type { ReportFreshness } from './reports.types.js';

/** What a report's queries run on: the primary's data source, or one replica's connection. */
export interface ReportDb {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Where the reports read (README.md, Read replicas). Without DATABASE_REPLICA_URLS: the primary,
 * as every other read. With them: one replica's connection (TypeORM's 'slave' mode, in turn),
 * inside one read-only snapshot, so all of a report's queries see the same moment and the
 * heartbeat row read first (libs/database/src/replica-heartbeat.ts) says which: every change
 * committed on the primary up to `asOf` is in the report, later ones may not be. A lagging replica
 * gives an older `asOf` and a larger `lagSeconds`, and is still read. A replica that cannot be
 * reached, or has no heartbeat yet, is passed over for the primary: `source: 'primary-fallback'`.
 * What must read its own writes never comes here: everything else reads the primary.
 */
@Injectable()
export class ReportReads {
  private readonly logger = new Logger(ReportReads.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Runs a report's queries where reports read, and says how fresh what they read is. */
  async read<T extends object>(report: (db: ReportDb) => Promise<T>): Promise<T & { freshness: ReportFreshness }> {
    if (this.config.database.replicas.length === 0) return this.onPrimary(report, 'primary');
    const runner = this.dataSource.createQueryRunner('slave');
    let freshness: ReportFreshness;
    try {
      freshness = await this.snapshot(runner);
    } catch (error) {
      await this.close(runner);
      this.logger.warn(`reports read the primary: no replica answered (${(error as Error).message})`);
      return this.onPrimary(report, 'primary-fallback');
    }
    try {
      const result = await report(runner);
      await runner.query('COMMIT');
      return { ...result, freshness };
    } catch (error) {
      await this.close(runner);
      if (isConnectionLoss(error)) {
        this.logger.warn(`reports read the primary: the replica went away (${(error as Error).message})`);
        return this.onPrimary(report, 'primary-fallback');
      }
      throw error;
    } finally {
      if (!runner.isReleased) await runner.release();
    }
  }

  /** Ends a snapshot that failed half-way, so its connection goes back to the pool outside any transaction. */
  private async close(runner: QueryRunner): Promise<void> {
    if (runner.isReleased) return;
    await runner.query('ROLLBACK').catch(() => undefined);
    await runner.release();
  }

  /** Opens the replica's snapshot and reads its heartbeat in it: the time the snapshot is complete up to. */
  private async snapshot(runner: QueryRunner): Promise<ReportFreshness> {
    await runner.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const [beat] = (await runner.query(
      `SELECT beat_at, TIMESTAMPDIFF(MICROSECOND, beat_at, UTC_TIMESTAMP(6)) AS lag_us
         FROM replica_heartbeat WHERE id = 1`,
    )) as { beat_at: Date; lag_us: string | number }[];
    if (!beat) throw new Error('the replica has no heartbeat yet, so how fresh it is is unknown');
    return {
      source: 'replica',
      asOf: formatInstant(beat.beat_at),
      lagSeconds: Math.max(0, Math.round(Number(beat.lag_us) / 100_000) / 10),
    };
  }

  private async onPrimary<T extends object>(
    report: (db: ReportDb) => Promise<T>,
    source: 'primary' | 'primary-fallback',
  ): Promise<T & { freshness: ReportFreshness }> {
    const asOf = formatInstant(this.clock.now());
    return { ...(await report(this.dataSource)), freshness: { source, asOf, lagSeconds: 0 } };
  }
}

/** A replica lost mid-report: the connection, not the query, failed. */
function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: string; driverError?: { code?: string } }).driverError?.code;
  return (
    code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT'
  );
}
