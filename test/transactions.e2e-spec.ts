import { loadConfig } from '#config';
import { buildDataSourceOptions, readCommitted } from '#database';
import { DataSource, type EntityManager } from 'typeorm';
import { TEST_ENV } from './test-env.js';

const PROBE = 'transactions_spec_probe';

/**
 * The isolation level the manager's transaction behaves at: whether its second read sees a row
 * another connection committed after its first read (READ COMMITTED) or not (REPEATABLE READ).
 */
async function levelOf(manager: EntityManager, other: DataSource): Promise<string> {
  const count = async () =>
    Number(((await manager.query(`SELECT COUNT(*) AS n FROM ${PROBE}`)) as { n: string }[])[0].n);
  const before = await count();
  await other.query(`INSERT INTO ${PROBE} () VALUES ()`);
  return (await count()) > before ? 'READ COMMITTED' : 'REPEATABLE READ';
}

/** The SET statements this session has run (MySQL's and MariaDB's Com_set_option). */
async function setsOf(manager: EntityManager): Promise<number> {
  const [row] = (await manager.query("SHOW SESSION STATUS LIKE 'Com_set_option'")) as { Value: string }[];
  return Number(row.Value);
}

/**
 * Every session of the apps' pools starts at READ COMMITTED (libs/database/src/transactions.ts):
 * readCommitted() runs there without a SET round trip, and a transaction that names another level
 * gets it for itself alone. On one server's pool, and on each node of a pool cluster (read replicas).
 */
describe('transactions: the sessions’ isolation level', () => {
  const config = loadConfig({ ...process.env, ...TEST_ENV });
  const url = TEST_ENV.DATABASE_URL;
  const setups: [string, () => DataSource][] = [
    ['one server', () => new DataSource(buildDataSourceOptions(config))],
    [
      'a primary with a replica',
      () =>
        new DataSource(buildDataSourceOptions(loadConfig({ ...process.env, ...TEST_ENV, DATABASE_REPLICA_URLS: url }))),
    ],
  ];

  const other = new DataSource(buildDataSourceOptions(config));
  beforeAll(async () => {
    await other.initialize();
    await other.query(`CREATE TABLE IF NOT EXISTS ${PROBE} (id int AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB`);
  });
  afterAll(async () => {
    await other.query(`DROP TABLE IF EXISTS ${PROBE}`);
    await other.destroy();
  });

  it.each(setups)(
    '%s: readCommitted() runs at READ COMMITTED with no SET; a named level holds for its transaction only',
    async (_name, make) => {
      const db = make();
      await db.initialize();
      try {
        const runner = db.createQueryRunner('master');
        try {
          const before = await setsOf(runner.manager);
          const committed = await readCommitted(runner.manager, async (m) => ({
            level: await levelOf(m, other),
            sets: await setsOf(m),
          }));
          expect(committed).toEqual({ level: 'READ COMMITTED', sets: before });
          const repeatable = await runner.manager.transaction('REPEATABLE READ', async (m) => ({
            level: await levelOf(m, other),
            sets: await setsOf(m),
          }));
          expect(repeatable).toEqual({ level: 'REPEATABLE READ', sets: before + 1 });
          // The named level was the next transaction's only; the session is back at its own.
          expect(await readCommitted(runner.manager, (m) => levelOf(m, other))).toBe('READ COMMITTED');
        } finally {
          await runner.release();
        }
        // Every connection of the pool, not only the first: several at once.
        const levels = await Promise.all(Array.from({ length: 4 }, () => readCommitted(db, (m) => levelOf(m, other))));
        expect(levels).toEqual(Array(4).fill('READ COMMITTED'));
        if (db.options.type === 'mysql' && db.options.replication) {
          const replica = db.createQueryRunner('slave');
          try {
            expect(await readCommitted(replica.manager, (m) => levelOf(m, other))).toBe('READ COMMITTED');
          } finally {
            await replica.release();
          }
        }
      } finally {
        await db.destroy();
      }
    },
  );
});
