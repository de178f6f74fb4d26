import { loadConfig } from '#config';
import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import { kill } from 'node:process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { migrate } from '../apps/cli/src/migrate.js';
import { apiOf, buildWorld, material, randomUscc, workingDays, type World } from './fixtures/world.js';
import { createApp, eventually, unique } from './helpers.js';

const run = promisify(execFile);
/** Ports and a folder of this file's own, apart from the shared server on 3306 and the script's defaults. */
const PRIMARY_PORT = 3346;
const REPLICA_PORT = 3347;
const DATABASE = 'one_thing_test_replica';
const DIR = join(process.env.TMPDIR ?? tmpdir(), `one-thing-replica-spec-${PRIMARY_PORT}`);
const SCRIPT_ENV = {
  ...process.env,
  REPLICA_PRIMARY_PORT: String(PRIMARY_PORT),
  REPLICA_REPLICA_PORT: String(REPLICA_PORT),
  REPLICA_DATABASE: DATABASE,
  REPLICA_DIR: DIR,
};
const PRIMARY_URL = `mysql://root@127.0.0.1:${PRIMARY_PORT}/${DATABASE}`;
const REPLICA_URL = `mysql://root@127.0.0.1:${REPLICA_PORT}/${DATABASE}`;

/** `bash .ci/mysql-replica.sh <action>`; a failure carries everything the script said. */
async function script(action: 'start' | 'stop'): Promise<string> {
  try {
    const { stdout, stderr } = await run('bash', ['.ci/mysql-replica.sh', action], { env: SCRIPT_ENV });
    return stdout + stderr;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(`.ci/mysql-replica.sh ${action} exited with ${e.code}:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

interface Freshness {
  source: 'primary' | 'replica' | 'primary-fallback';
  asOf: string;
  lagSeconds: number;
}

/**
 * A private primary and its replica (.ci/mysql-replica.sh), an api reading reports from the replica
 * (DATABASE_REPLICA_URLS): a report is read there and says how fresh it is; a request is read back
 * from the primary the moment it is written, however far behind the replica is; a stopped replica
 * gives reports that say how old they are; an unreachable one, reports from the primary.
 */
describe('read replicas: reports from the replica, a write read back from the primary', () => {
  let app: INestApplication;
  let world: World;
  let primary: mysql.Connection;
  let replica: mysql.Connection;
  const timings: string[] = [];
  const began = Date.now();
  const mark = (what: string, since: number) => timings.push(`${what}: ${Date.now() - since} ms`);
  const u = unique().toUpperCase();
  const DEPT = `RP-${u}`;
  const ITEM = `RPI-${u}`;
  const company = randomUscc();
  const { get, post } = apiOf(() => app);
  const submit = async () =>
    (
      await post('/requests', world.tokens.applicant, {
        itemCode: ITEM,
        form: {},
        materials: [{ code: 'FORM', reference: 'file:form.pdf' }],
      }).expect(201)
    ).body.id as string;
  /** The open requests of this file's item, per the backlog report, and where the report was read. */
  const backlog = async () => {
    const res = await get(`/reports/backlog?itemCode=${ITEM}`, world.tokens.admin).expect(200);
    const submitted = (res.body.rows as { status: string; total: number }[]).find((r) => r.status === 'submitted');
    return { open: submitted?.total ?? -1, freshness: res.body.freshness as Freshness };
  };
  const countOn = async (connection: mysql.Connection, id: string) => {
    const [rows] = await connection.query('SELECT COUNT(*) AS n FROM service_requests WHERE id = ?', [id]);
    return Number((rows as { n: number }[])[0].n);
  };
  const ids: string[] = [];

  beforeAll(async () => {
    let t = Date.now();
    const said = await script('start');
    mark('the pair started and replicating', t);
    expect(said).toContain(`DATABASE_REPLICA_URLS=${REPLICA_URL}`);
    t = Date.now();
    await migrate(loadConfig({ ...process.env, DATABASE_URL: PRIMARY_URL }));
    mark('the primary migrated', t);
    primary = await mysql.createConnection(PRIMARY_URL);
    replica = await mysql.createConnection(REPLICA_URL);
    process.env.DATABASE_URL = PRIMARY_URL;
    process.env.DATABASE_REPLICA_URLS = REPLICA_URL;
    t = Date.now();
    app = await createApp();
    world = await buildWorld(app, {
      departments: [{ code: DEPT, name: '只读副本测试部门' }],
      matters: [
        {
          code: `${DEPT}-M`,
          name: '只读副本测试事项',
          departmentCode: DEPT,
          promisedLimit: workingDays(1),
          legalLimit: workingDays(5),
          materials: [material('FORM', '申请表')],
          output: { kind: 'approval', name: '批复' },
        },
      ],
      items: [
        {
          code: ITEM,
          name: '只读副本测试一件事',
          category: 'test',
          promisedLimit: workingDays(2),
          steps: [{ key: 'review', matterCode: `${DEPT}-M` }],
        },
      ],
      companies: [{ uscc: company, name: '只读副本测试公司' }],
      users: { applicant: { role: 'applicant', companyUscc: company } },
      username: (key) => `rp-${key}-${u}`,
    });
    mark('the api started and its world made', t);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await primary?.end();
    await replica?.end().catch(() => undefined);
    const t = Date.now();
    await script('stop');
    mark('the pair stopped', t);
    mark('the whole file', began);
    process.stdout.write(`replica suite timings:\n  ${timings.join('\n  ')}\n`);
  }, 60_000);

  it('reads a report from the replica, which catches up with a request written on the primary', async () => {
    const t = Date.now();
    // The api's heartbeat reaches the replica within a second or so of its start.
    const first = await eventually(async () => {
      const b = await backlog();
      return b.freshness.source === 'replica' && b;
    }, 'a report read from the replica');
    expect(first.open).toBe(0);
    ids.push(await submit());
    const caughtUp = await eventually(async () => {
      const b = await backlog();
      return b.open === 1 && b;
    }, 'the replica to show the request written on the primary');
    mark('a write on the primary seen in a report read from the replica', t);
    expect(caughtUp.freshness.source).toBe('replica');
    expect(caughtUp.freshness.lagSeconds).toBeGreaterThanOrEqual(0);
    expect(await countOn(replica, ids[0])).toBe(1);
    // A download says the same in its headers.
    const csv = await get(`/reports/backlog?itemCode=${ITEM}&format=csv`, world.tokens.admin).expect(200);
    expect(csv.headers['x-report-source']).toBe('replica');
    expect(Date.parse(csv.headers['x-report-as-of'])).not.toBeNaN();
    process.stdout.write(`a replica keeping up: ${JSON.stringify(caughtUp.freshness)}\n`);
  });

  it('with replication stopped, a request is read back from the primary and reports stay as old as the replica says', async () => {
    await replica.query('STOP SLAVE');
    const stoppedAt = Date.now();
    const id = await submit();
    ids.push(id);
    // Write, then read at once: the primary answers, though the replica has not got the request.
    const read = await get(`/requests/${id}`, world.tokens.applicant).expect(200);
    expect(read.body).toMatchObject({ id, itemCode: ITEM, status: 'submitted' });
    const listed = await get('/requests?limit=10', world.tokens.applicant).expect(200);
    expect((listed.body.items as { id: string }[]).map((r) => r.id)).toContain(id);
    expect(await countOn(replica, id)).toBe(0);
    expect(await countOn(primary, id)).toBe(1);

    // The report is read from the stopped replica: it misses the request and says so by its asOf,
    // which is before replication stopped, and its lag, which grows while it stays stopped.
    await new Promise((r) => setTimeout(r, 1500));
    const stale = await backlog();
    process.stdout.write(`a stopped replica: ${JSON.stringify(stale.freshness)}\n`);
    expect(stale.freshness.source).toBe('replica');
    expect(stale.open).toBe(1);
    expect(Date.parse(stale.freshness.asOf)).toBeLessThan(stoppedAt);
    expect(stale.freshness.lagSeconds).toBeGreaterThanOrEqual(1);

    const t = Date.now();
    await replica.query('START SLAVE');
    // Caught up: the request is there, and so is a heartbeat stamped after the stop. The replica applies
    // them in the primary's order, so a read between the two has the request with the beat before it.
    const fresh = await eventually(async () => {
      const b = await backlog();
      return b.open === 2 && Date.parse(b.freshness.asOf) > stoppedAt && b;
    }, 'the restarted replica to catch up, past the stop');
    mark('a restarted replica caught up', t);
    expect(fresh.freshness.source).toBe('replica');
  });

  it('reads reports from the primary, and says so, while the replica cannot be reached', async () => {
    kill(Number(readFileSync(join(DIR, String(REPLICA_PORT), 'mysqld.pid'), 'utf8').trim()), 'SIGKILL');
    await replica.end().catch(() => undefined);
    const t = Date.now();
    const fallback = await eventually(async () => {
      const b = await backlog();
      return b.freshness.source === 'primary-fallback' && b;
    }, 'a report read from the primary with the replica down');
    mark('a report with the replica down', t);
    expect(fallback.open).toBe(2);
    expect(fallback.freshness.lagSeconds).toBe(0);
    // And a write still reads back.
    const id = await submit();
    await get(`/requests/${id}`, world.tokens.applicant).expect(200);
  });
});
