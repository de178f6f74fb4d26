import mysql from 'mysql2/promise';
import { checkTurnaround, type Periods, timeReports } from './reports/measure.js';
import { printChecked, printTimings, say } from './reports/print.js';
import { api, apiStarted, exited, freePort, node } from './reports/processes.js';
import { seedEvaluations, seedRequests } from './reports/seed.js';
import { ADMIN_PASSWORD, DAY, DEMO_PASSWORD, databaseName, REQUESTS, RUNS, serverUrl } from './reports/settings.js';

/**
 * `npm run bench:reports` (and the second half of `npm run bench`): seeds a database of its own
 * with finished requests and their steps (1,000,000 by default, BENCH_REPORT_REQUESTS), spread
 * over the year before today, then times every report through the api over a year, a month and
 * a day (the median of BENCH_REPORT_RUNS calls), and checks the turnaround and throughput figures
 * against a slow full scan of the requests' own rows.
 *
 * The database `one_thing_bench_reports` is kept, so the seed is paid once; BENCH_RESEED=1 seeds again.
 * reports/ holds its parts: settings.ts, processes.ts (the api and the cli as child processes),
 * seed.ts (the data), measure.ts and slow-scan.ts (the timings and the check), print.ts (the output).
 */
async function main(): Promise<void> {
  const admin = await mysql.createConnection({
    uri: Object.assign(new URL(serverUrl.href), { pathname: '/' }).href,
    dateStrings: false,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  if (process.env.BENCH_RESEED === '1') await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
  const setupCode = await exited(node('cli/src/main.js', ['setup']));
  if (setupCode !== 0) throw new Error(`setup exited with ${setupCode}`);
  await admin.changeUser({ database: databaseName });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const apiProcess = node('api/src/main.js', [], { PORT: String(port) });
  try {
    await apiStarted(base);
    const adminToken = (await api(base, null, 'POST', '/auth/login', { username: 'admin', password: ADMIN_PASSWORD }))
      .accessToken as string;

    const [[seeded]] = (await admin.query(
      "SELECT COUNT(*) AS n FROM service_requests WHERE number LIKE 'B%'",
    )) as unknown as [{ n: string }[]];
    if (Number(seeded.n) < REQUESTS) {
      await seedRequests(admin, base, adminToken);
      const rebuildStarted = Date.now();
      const code = await exited(node('cli/src/main.js', ['reports-rebuild']));
      if (code !== 0) throw new Error(`reports-rebuild exited with ${code}`);
      say(`npm run reports:rebuild took ${((Date.now() - rebuildStarted) / 1000).toFixed(0)} s`);
    } else {
      say(`using the ${seeded.n} requests seeded before in ${databaseName} (BENCH_RESEED=1 seeds again)`);
      // The worker keeps the rollups fresh every 30 s; the bench has no worker, so it does it once.
      const code = await exited(node('cli/src/main.js', ['reports-refresh']));
      if (code !== 0) throw new Error(`reports-refresh exited with ${code}`);
    }
    const [[evaluated]] = (await admin.query('SELECT COUNT(*) AS n FROM evaluations')) as unknown as [{ n: string }[]];
    if (Number(evaluated.n) === 0) {
      const t = Date.now();
      await seedEvaluations(admin);
      const [[counts]] = (await admin.query(
        'SELECT (SELECT COUNT(*) FROM evaluations) AS e, (SELECT COUNT(*) FROM follow_ups) AS f',
      )) as unknown as [{ e: string; f: string }[]];
      say(`seeded ${counts.e} evaluations and ${counts.f} follow-ups in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }

    const [[range]] = (await admin.query(
      'SELECT MIN(ended_day) AS lo, MAX(ended_day) AS hi FROM report_requests',
    )) as unknown as [{ lo: Date; hi: Date }[]];
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const hi = day(range.hi);
    const year = { from: day(new Date(range.hi.getTime() - 364 * DAY)), to: hi };
    const month = {
      from: day(new Date(range.hi.getTime() - 60 * DAY)),
      to: day(new Date(range.hi.getTime() - 31 * DAY)),
    };
    const oneDay = { from: month.to, to: month.to };
    const periods: Periods = [
      ['year', year],
      ['month', month],
      ['day', oneDay],
    ];
    const manager = (
      await api(base, null, 'POST', '/auth/login', { username: 'demo.manager', password: DEMO_PASSWORD })
    ).accessToken as string;

    say('');
    say(`report timings, median of ${RUNS} calls through the api (goal < 500 ms):`);
    printTimings(await timeReports(base, manager, periods));

    say('');
    say('checking the figures against a slow full scan of the requests’ own rows…');
    const mismatches = await checkTurnaround(admin, base, manager, periods);
    printChecked(mismatches);
    if (mismatches > 0) process.exitCode = 1;
  } finally {
    apiProcess.kill('SIGTERM');
    await exited(apiProcess);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
