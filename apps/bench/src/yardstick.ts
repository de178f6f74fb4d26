import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import mysql from 'mysql2/promise';

/**
 * The yardstick of `npm run bench`: a bare node:http endpoint doing, per POST, one transaction of
 * 1 request row, 6 step rows and 1 audit row on the same tables as the api, with no framework,
 * auth, validation, idempotency, outbox or logging. It shows what MySQL allows on this machine.
 */
const databaseUrl = process.env.DATABASE_URL!;
const port = Number(process.env.PORT);
const versionId = process.env.BENCH_VERSION_ID!;
const uscc = process.env.BENCH_USCC!;
const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 10, timezone: 'Z' });
let counter = 0;
/** Requests whose transaction has not ended: SIGTERM waits for them before it ends the pool. */
let inFlight = 0;

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200).end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    inFlight++;
    void (async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const conn = await pool.getConnection();
      try {
        const now = new Date();
        const number = `YS${process.pid}${String(++counter).padStart(10, '0')}`.slice(0, 20);
        await conn.beginTransaction();
        const [result] = await conn.query<mysql.ResultSetHeader>(
          `INSERT INTO service_requests (number, item_code, item_version_id, item_version, company_uscc, status, form,
             materials, submitted_by, submitted_at, updated_at) VALUES (?, 'YARDSTICK', ?, 1, ?, 'submitted', ?, '[]', 1, ?, ?)`,
          [number, versionId, uscc, body, now, now],
        );
        const id = result.insertId;
        const steps = ['licence', 'seal', 'tax', 'social', 'fund', 'bank'];
        await conn.query(
          `INSERT INTO request_steps (request_id, step_key, position, matter_code, matter_name, department_code, depends_on,
             status, output_kind, output_name) VALUES ${steps.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          steps.flatMap((key, i) => [id, key, i, key.toUpperCase(), key, 'SAMR', '[]', 'waiting', 'licence', key]),
        );
        // The same chained audit record the service writes: a SHA-256 and the chain's head row.
        const hash = createHash('sha256').update(`${id}|${number}|${now.toISOString()}`).digest('hex');
        await conn.query(
          `INSERT INTO audit_events (subject_type, subject_id, seq, hash, action, status_to, payload, occurred_at)
           VALUES ('request', ?, 1, ?, 'request.submitted', 'submitted', ?, ?)`,
          [String(id), hash, JSON.stringify({ number }), now],
        );
        await conn.query(
          "INSERT INTO audit_chains (subject_type, subject_id, last_seq, last_hash) VALUES ('request', ?, 1, ?)",
          [String(id), hash],
        );
        await conn.commit();
        res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: String(id), number }));
      } catch (error) {
        await conn.rollback().catch(() => undefined);
        res.writeHead(500).end(String(error));
      } finally {
        conn.release();
      }
    })()
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(503).end(String(error));
      })
      .finally(() => inFlight--);
  });
});

server.listen(port, '127.0.0.1', () => process.stdout.write(`yardstick listening on ${port}\n`));
// The load generator stops with requests in flight (their sockets cut): they finish before the pool ends.
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  const end = () => (inFlight > 0 ? setTimeout(end, 20) : void pool.end().then(() => process.exit(0)));
  end();
});
