/**
 * The settings of the reports bench: how much it seeds, how often it calls each report, and the
 * database and queues of its own it runs the api on.
 */
export const REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? 1_000_000);
export const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 7);
export const BATCH = 2000;
export const ADMIN_PASSWORD = 'bench-admin-2026';
export const DEMO_PASSWORD = 'demo-pass-2026';
export const DAY = 86_400_000;
export const HOUR = 3_600_000;
export const MIN = 60_000;

export const serverUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/one_thing');
export const databaseName = 'one_thing_bench_reports';
export const databaseUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${databaseName}` }).href;
export const queuePrefix = `{bench-reports-${process.pid}}`;
