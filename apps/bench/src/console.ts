import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import mysql from 'mysql2/promise';
import { chromium } from 'playwright-core';
import { consoleDir } from '../../api/src/http/console.js';

/**
 * `npm run bench` (last part) and `npm run bench:console`: the console's production bundle (every
 * file of apps/web/dist, raw and gzip -6 as a proxy would send it, per file and in total) and the
 * first page's cold load in Debian's Chromium against the built api on this machine (navigation to
 * the load event and to the first contentful paint, the median of BENCH_COLD_RUNS fresh contexts).
 *
 *   CONSOLE_DIR (default apps/web/dist)  CHROMIUM_PATH (default /usr/bin/chromium)  BENCH_COLD_RUNS (default 7)
 */
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 7);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const serverUrl = new URL(process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/one_thing');
const databaseName = `one_thing_bench_console_${process.pid}`;
const databaseUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${databaseName}` }).href;
const dist = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

function bundleSize(dir: string): void {
  const rows = files(dir)
    .filter((path) => !path.endsWith('.map'))
    .map((path) => {
      const body = readFileSync(path);
      return { name: relative(dir, path), raw: body.length, gzip: gzipSync(body, { level: 6 }).length };
    })
    .sort((a, b) => b.raw - a.raw);
  const width = Math.max(...rows.map((r) => r.name.length), 5);
  say(`console bundle (${dir}, source maps left out):`);
  for (const r of rows)
    say(`  ${r.name.padEnd(width)}  ${kib(r.raw).padStart(10)} raw  ${kib(r.gzip).padStart(10)} gzip`);
  const total = rows.reduce((sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip }), { raw: 0, gzip: 0 });
  say(`  ${'total'.padEnd(width)}  ${kib(total.raw).padStart(10)} raw  ${kib(total.gzip).padStart(10)} gzip`);
  const scripts = rows.filter((r) => r.name.endsWith('.js'));
  say(
    `  scripts ${kib(scripts.reduce((s, r) => s + r.raw, 0))} raw, ${kib(scripts.reduce((s, r) => s + r.gzip, 0))} gzip in ${scripts.length} file(s)`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitFor(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

const env = (extra: Record<string, string>) => ({
  ...process.env,
  NODE_ENV: 'development',
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'warn',
  ADMIN_PASSWORD: 'bench-admin-2026',
  QUEUE_PREFIX: `{bench-console-${process.pid}}`,
  ...extra,
});

async function coldLoad(dir: string): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    say(`cold load: skipped, ${CHROMIUM} is missing (bash .ci/services.sh --browser installs it)`);
    return;
  }
  const admin = await mysql.createConnection({ uri: serverUrl.href.replace(/\/[^/]*$/, '/') });
  let api: ChildProcess | undefined;
  try {
    const migrated = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, [dist('cli/src/main.js'), 'migrate'], { env: env({}), stdio: 'ignore' });
      child.on('exit', (code) => resolve(code ?? 1));
    });
    if (migrated !== 0) throw new Error(`migrate exited with ${migrated}`);
    const port = await freePort();
    api = spawn(process.execPath, [dist('api/src/main.js')], {
      env: env({ PORT: String(port), CONSOLE_DIR: dir }),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/health`);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    });
    const load: number[] = [];
    const fcp: number[] = [];
    try {
      for (let i = 0; i < RUNS; i++) {
        // A fresh context each time: empty cache, no session, as a first visit.
        const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
        const page = await context.newPage();
        await page.goto(`${url}/`, { waitUntil: 'load' });
        const timing = await page.evaluate(`new Promise((resolve) => {
          const nav = performance.getEntriesByType('navigation')[0];
          const read = () => {
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            if (paint) resolve({ load: nav.loadEventEnd, fcp: paint.startTime });
            else setTimeout(read, 20);
          };
          read();
          setTimeout(() => resolve({ load: nav.loadEventEnd, fcp: NaN }), 5000);
        })`);
        const { load: l, fcp: f } = timing as { load: number; fcp: number };
        load.push(l);
        if (!Number.isNaN(f)) fcp.push(f);
        await context.close();
      }
    } finally {
      await browser.close();
    }
    say(
      `console cold load of ${url}/ (${RUNS} fresh contexts, Chromium, 1366×768): load event p50 ${median(load).toFixed(0)} ms ` +
        `(min ${Math.min(...load).toFixed(0)}, max ${Math.max(...load).toFixed(0)}), first contentful paint p50 ` +
        (fcp.length > 0 ? `${median(fcp).toFixed(0)} ms` : 'not reported'),
    );
  } finally {
    if (api && api.exitCode === null) {
      const exited = new Promise((resolve) => api!.on('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
    await admin.query(`DROP DATABASE IF EXISTS \`${databaseName}\``);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const dir = consoleDir();
  if (!existsSync(join(dir, 'index.html'))) {
    say(`console bench: ${dir} has no index.html (npm run build -w apps/web builds it); nothing to measure`);
    return;
  }
  bundleSize(dir);
  await coldLoad(dir);
}

main().catch((error: unknown) => {
  process.stderr.write(`console bench: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
