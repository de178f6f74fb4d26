import type { DataSource } from 'typeorm';

/**
 * The mysql2 pool of the primary inside TypeORM's MySQL driver, for what needs the pool itself
 * (the login-failure limiter, the pool gauge): the driver's one pool, or with read replicas
 * (DATABASE_REPLICA_URLS) the MASTER pool of its pool cluster, where the driver keeps no `pool`.
 */
export function primaryPool<T = unknown>(dataSource: DataSource): T | undefined {
  const driver = dataSource.driver as unknown as {
    pool?: T;
    poolCluster?: { _nodes?: Record<string, { pool: T } | undefined> };
  };
  return driver.pool ?? driver.poolCluster?._nodes?.MASTER?.pool;
}
