import 'reflect-metadata';
import { type AppConfig, DEMO_ADMIN_PASSWORD, loadConfig, safeUrl } from '#config';
import { verifyAuditTrail } from '#audit';
import { DailyCounts, ReportFacts, ReportRollups } from '#reports';
import { SlaService } from '#sla';
import { appGrantStatements, buildDataSourceOptions } from '#database';
import { AdminBootstrap } from '#identity';
import { exitOnStartFailure, preflight } from '#platform';
import { NestFactory } from '@nestjs/core';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consoleDir } from '../../api/src/http/console.js';
import { DataSource } from 'typeorm';
import { seedDemoRequests } from './demo-requests.js';
import { DEMO_PASSWORD, DEMO_USERS, DemoSeed } from './demo-seed.js';
import { migrate, revertLast } from './migrate.js';
import { APP_NODE_ARGS } from './node-args.js';
import { ReportsCliModule } from './reports-cli.module.js';
import { SetupModule } from './setup.module.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
// Output piped into a reader that stops early (`| head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

/** Database, schema, admin and (outside production) the demo: everything before the apps start. */
async function setup(config: AppConfig): Promise<{ seeded: boolean }> {
  await preflight(config);
  const { created, applied } = await migrate(config);
  if (created) say(`created database ${config.database.name} at ${safeUrl(config.database.url)}`);
  say(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
  const context = await NestFactory.createApplicationContext(SetupModule, { logger: ['error', 'warn'] });
  try {
    await context.get(AdminBootstrap).ensureAdmin();
    const seeded = config.nodeEnv === 'production' ? false : await context.get(DemoSeed).seedIfEmpty();
    return { seeded };
  } finally {
    await context.close();
  }
}

function run(app: 'api' | 'worker'): ChildProcess {
  const entry = fileURLToPath(new URL(`../../${app}/src/main.js`, import.meta.url));
  return spawn(process.execPath, [...APP_NODE_ARGS, entry], { stdio: 'inherit', env: process.env });
}

async function waitForHealth(port: number, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/** `npm start`: set up, then run api and worker together until a signal stops both. */
async function start(config: AppConfig): Promise<void> {
  const { seeded } = await setup(config);
  const children = [run('api'), run('worker')];
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  const exits = children.map(
    (child) => new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 0))),
  );
  void Promise.race(exits).then((code) => {
    if (!stopping) {
      process.stderr.write(`start: a process exited (code ${code}); stopping the other\n`);
      process.exitCode = code || 1;
      stop('SIGTERM');
    }
  });
  if (await waitForHealth(config.port)) {
    const url = `http://localhost:${config.port}`;
    if (seeded) {
      await seedDemoRequests(`http://127.0.0.1:${config.port}`).then(
        (count) => say(`seeded ${count} demo requests in different states`),
        (error: unknown) => process.stderr.write(`start: the demo requests were not seeded: ${String(error)}\n`),
      );
    }
    say('');
    say(`One-thing service desk is running: ${url}/api/v1 (health: ${url}/health)`);
    const dir = consoleDir();
    say(
      existsSync(join(dir, 'index.html'))
        ? `Console: ${url}/ (sign in with a login below)`
        : `Console: not built (${dir} has no index.html): npm run build -w apps/web`,
    );
    say(`API docs: ${url}/api/docs (OpenAPI JSON: ${url}/api/docs-json)`);
    say(`Logins: admin / ${config.auth.adminPasswordIsDemo ? DEMO_ADMIN_PASSWORD : '(ADMIN_PASSWORD)'}`);
    if (config.nodeEnv !== 'production') {
      say(`        ${DEMO_USERS.map((u) => `${u.username} (${u.role})`).join(', ')}: password ${DEMO_PASSWORD}`);
    }
    say('Stop with Ctrl+C.');
  }
  await Promise.all(exits);
}

/** `npm run audit:verify`: recomputes every audit hash chain; exits 1 naming each break. */
async function auditVerify(config: AppConfig): Promise<void> {
  await preflight(config);
  const [subjectType, subjectId] = process.argv.slice(3);
  const dataSource = await new DataSource({ ...buildDataSourceOptions(config), logging: ['error'] }).initialize();
  try {
    const started = Date.now();
    const { chains, events, problems } = await verifyAuditTrail(dataSource, { subjectType, subjectId });
    for (const p of problems) {
      say(`BROKEN ${p.subjectType} ${p.subjectId}${p.seq === null ? '' : ` event ${p.seq}`}: ${p.problem}`);
    }
    say(
      `audit trail of ${safeUrl(config.database.url)}: ${events} events in ${chains} chains verified in ${Date.now() - started} ms; ` +
        (problems.length === 0 ? 'every chain is intact' : `${problems.length} problem(s)`),
    );
    if (problems.length > 0) process.exitCode = 1;
  } finally {
    await dataSource.destroy();
  }
}

/** `npm run db:grants -- "'app'@'%'"`: the GRANT statements for the app's own account (docs/database-grants.md). */
async function dbGrants(config: AppConfig): Promise<void> {
  const account = process.argv[3] ?? '';
  if (!/^'[A-Za-z0-9_.-]{1,80}'@'[A-Za-z0-9_.%:-]{1,255}'$/.test(account)) {
    process.stderr.write(`usage: npm run db:grants -- "'one_thing_app'@'%'" (got ${JSON.stringify(account)})\n`);
    process.exitCode = 2;
    return;
  }
  await preflight(config);
  const dataSource = await new DataSource({ ...buildDataSourceOptions(config), logging: ['error'] }).initialize();
  try {
    const rows = (await dataSource.query(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
      [config.database.name],
    )) as { name: string }[];
    for (const line of appGrantStatements(
      config.database.name,
      rows.map((r) => r.name),
      account,
    ))
      say(line);
  } finally {
    await dataSource.destroy();
  }
}

/** `npm run reports:refresh`: brings every stale report rollup up to date now (the worker does it every 30 s). */
async function reportsRefresh(config: AppConfig): Promise<void> {
  await preflight(config);
  const context = await NestFactory.createApplicationContext(ReportsCliModule, { logger: ['error', 'warn'] });
  try {
    const started = Date.now();
    const periods = await context.get(ReportRollups).refreshAll();
    const days = await context.get(DailyCounts).countRecent(3660);
    say(
      `refreshed ${periods} report rollup periods and counted ${days} days in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await context.close();
  }
}

/** `npm run reports:rebuild`: every report fact again from the requests' own rows. */
async function reportsRebuild(config: AppConfig): Promise<void> {
  await preflight(config);
  const context = await NestFactory.createApplicationContext(ReportsCliModule, { logger: ['error', 'warn'] });
  try {
    const started = Date.now();
    const filled = await context.get(SlaService).fillWorkedTime();
    if (filled > 0) say(`kept the worked time of ${filled} clocks stopped before it was recorded`);
    const done = await context.get(ReportFacts).rebuild(5000, (n) => {
      if (n % 100_000 === 0) say(`  ${n} requests…`);
    });
    const days = await context.get(DailyCounts).recountAll();
    say(
      `rebuilt the report facts of ${done} requests, their rollups and ${days} days of counts in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const command = process.argv[2];
  const config = loadConfig();
  switch (command) {
    case 'setup': {
      const { seeded } = await setup(config);
      say(seeded ? 'seeded the demo catalogue and users' : 'ready');
      return;
    }
    case 'migrate': {
      await preflight(config);
      const { applied } = await migrate(config);
      say(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
      return;
    }
    case 'revert':
      await preflight(config);
      await revertLast(config);
      say('reverted the last migration');
      return;
    case 'start':
      return start(config);
    case 'audit-verify':
      return auditVerify(config);
    case 'db-grants':
      return dbGrants(config);
    case 'reports-rebuild':
      return reportsRebuild(config);
    case 'reports-refresh':
      return reportsRefresh(config);
    default:
      process.stderr.write(
        "usage: cli setup | migrate | revert | start | audit-verify [subjectType [subjectId]] | db-grants 'user'@'host' | reports-rebuild | reports-refresh\n",
      );
      process.exitCode = 2;
  }
}

main().catch(exitOnStartFailure('start'));
