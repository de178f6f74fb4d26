import mysql from 'mysql2/promise';

/**
 * Before each spec file: the events earlier files left unrelayed are set aside (marked published).
 * Each file has queues of its own (test/setup-env.ts), and those files' queues are gone; relayed into
 * this file's, they would only make its worker do the earlier files' work before its own — minutes of
 * it on a loaded machine, after a few hundred files' worth.
 */
beforeAll(async () => {
  const connection = await mysql.createConnection(process.env.DATABASE_URL!);
  try {
    await connection.query('UPDATE outbox_events SET published_at = UTC_TIMESTAMP(3) WHERE published_at IS NULL');
  } finally {
    await connection.end();
  }
});
