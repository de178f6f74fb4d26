import type { AppConfig, DatabaseEndpoint } from '#config';
import type { DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { mysqlWithSessionIsolation } from './transactions.js';

/** The one data source definition shared by the apps, the setup command and the TypeORM CLI. */
export function buildDataSourceOptions(config: Pick<AppConfig, 'database'>): DataSourceOptions {
  const { replicas, poolSize } = config.database;
  const credentials = (e: DatabaseEndpoint) => ({
    host: e.host,
    port: e.port,
    username: e.user,
    password: e.password,
    database: e.name,
  });
  return {
    type: 'mysql',
    // Its pools' sessions start at READ COMMITTED (transactions.ts).
    driver: mysqlWithSessionIsolation,
    ...credentials(config.database),
    ...(replicas.length > 0
      ? {
          // Read replicas (README.md, Read replicas): only a query runner asked for in 'slave' mode reads
          // from one (the reports, libs/reports/src/report-reads.ts). TypeORM's own default sends every
          // SELECT built by a query builder or repository there; 'master' keeps each of those on the
          // primary, where a request reads its own writes.
          replication: {
            master: credentials(config.database),
            slaves: replicas.map(credentials),
            defaultMode: 'master' as const,
            selector: 'RR' as const,
            // A server that failed three connections in a row rests 2 s, then is tried again; mysql2's
            // default (0) would drop it for good, the primary included.
            removeNodeErrorCount: 3,
            restoreNodeTimeout: 2000,
          },
        }
      : {}),
    charset: 'utf8mb4_unicode_ci',
    // Times are stored in UTC; the zone's calendar (Asia/Shanghai) is applied when they are shown or counted.
    timezone: 'Z',
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    bigNumberStrings: true,
    supportBigNumbers: true,
    // trace: false stops mysql2 capturing a stack trace on every query (measured: 3% of the api's
    // CPU under load); errors still carry MySQL's code and message and TypeORM's query.
    extra: { connectionLimit: poolSize, connectTimeout: 5000, trace: false },
  };
}
