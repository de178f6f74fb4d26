import mysql from 'mysql2';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The isolation level every session of the apps' MySQL pools starts at. The desk's changes run at
 * READ COMMITTED (a locking read takes no gap lock, so writers adding rows beside a locked one never
 * wait, and a read after a lock sees what its holder committed); a transaction at the session's own
 * level is a bare START TRANSACTION, where one at another level costs TypeORM a
 * `SET TRANSACTION ISOLATION LEVEL` round trip first. On the hot paths (a request's accept and
 * approval, the outbox relay's rounds) that round trip was one statement in fourteen.
 */
export const SESSION_ISOLATION = 'READ COMMITTED';
const SET_SESSION = `SET SESSION TRANSACTION ISOLATION LEVEL ${SESSION_ISOLATION}`;

interface Pool {
  on(event: 'connection', listener: (connection: Connection) => void): unknown;
}
interface Connection {
  query(sql: string, callback: (error: Error | null) => void): unknown;
  destroy(): void;
}

/**
 * Sets the session's level on each new connection of the pool. mysql2 announces a connection
 * before it hands it to whoever asked for it, and runs a connection's commands in order, so the SET
 * runs before anything else on it; a connection where it failed is closed, never used at another level.
 */
function setSessionLevel(pool: Pool): void {
  pool.on('connection', (connection) => {
    connection.query(SET_SESSION, (error) => {
      if (error) connection.destroy();
    });
  });
}

/**
 * mysql2 as TypeORM's MySQL driver loads it (its `driver` option), with every pool it creates, the
 * nodes of a pool cluster (read replicas) included, setting SESSION_ISOLATION on its connections.
 */
export const mysqlWithSessionIsolation = {
  ...mysql,
  createPool(config: mysql.PoolOptions) {
    const pool = mysql.createPool(config);
    setSessionLevel(pool);
    return pool;
  },
  createPoolCluster(config?: mysql.PoolClusterOptions) {
    const cluster = mysql.createPoolCluster(config);
    const add = cluster.add.bind(cluster) as (id: string, options: mysql.PoolOptions) => void;
    // A node's pool is created by add() and kept for the cluster's life (mysql2's pool_cluster.js).
    const nodes = cluster as unknown as { _nodes: Record<string, { pool: Pool } | undefined> };
    cluster.add = ((id: string, options: mysql.PoolOptions) => {
      const existing = nodes._nodes[id];
      add(id, options);
      const node = nodes._nodes[id];
      if (node && node !== existing) setSessionLevel(node.pool);
    }) as typeof cluster.add;
    return cluster;
  },
};

/**
 * A transaction at READ COMMITTED, the sessions' own level: TypeORM sends no SET before it. Only on
 * a data source built by buildDataSourceOptions (its driver sets the level; the database spec checks it).
 */
export function readCommitted<T>(
  on: DataSource | EntityManager,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  // eslint-disable-next-line no-restricted-syntax -- the one transaction left at the session's level, which is READ COMMITTED
  return on.transaction(work);
}
