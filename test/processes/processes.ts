import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eventually } from '../helpers.js';
import { TEST_ENV } from '../test-env.js';

/**
 * The built apps as their own OS processes, as an operator runs them (`setup`, apis, workers), and
 * HTTP as their clients see it: what the process suites (`*.process-spec.ts`) share. Each suite
 * (jest file) has its own list of children, stopped in its afterAll.
 */

export const entry = (app: 'api' | 'worker' | 'cli') => {
  const file = fileURLToPath(new URL(`../../dist/apps/${app}/src/main.js`, import.meta.url));
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  return file;
};

/** The children's environment: the tests', quiet logs, quick webhook retries and sweeps, and `extra`. */
export function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...TEST_ENV,
    LOG_LEVEL: 'warn',
    // Quick webhook retries, as in test/webhooks.e2e-spec.ts: a delivery a killed worker held is retried in seconds.
    WEBHOOK_RETRY_BASE_MS: '500',
    WEBHOOK_TIMEOUT_MS: '3000',
    // A delivery a lost job left unsent is enqueued again within seconds, not a minute or two.
    WEBHOOK_SWEEP_MS: '5000',
    ...extra,
  };
  delete env.NODE_OPTIONS;
  return env;
}

export interface Running {
  name: string;
  child: ChildProcess;
  output: () => string;
}
const children: Running[] = [];

/** `setup` (migrations, the admin, the calendars) once, as its own process. */
export function setup(env: NodeJS.ProcessEnv): void {
  const done = spawnSync(process.execPath, [entry('cli'), 'setup'], {
    env: childEnv(env),
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (done.status !== 0) throw new Error(`setup failed (${done.status}): ${done.stdout}${done.stderr}`);
}

export function run(app: 'api' | 'worker', name: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [entry(app)], { env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const read = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-50_000);
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  const running = { name, child, output: () => output };
  children.push(running);
  return running;
}

export interface Api {
  running: Running;
  url: string;
}

/** An api on a free port: its base URL once it says it listens. */
export async function startApi(name: string, env: NodeJS.ProcessEnv): Promise<Api> {
  const running = run('api', name, { ...env, PORT: '0' });
  const url = await eventually(
    async () => {
      if (running.child.exitCode !== null) throw new Error(`${name} exited: ${running.output()}`);
      return /api listening on (http:\/\/\S+)/.exec(running.output())?.[1];
    },
    `${name} to listen`,
    60_000,
  );
  return { running, url: url.replace('0.0.0.0', '127.0.0.1') };
}

/** Until the api answers /health and /health/ready (a worker's heartbeat among its checks). */
export async function ready(api: Api): Promise<void> {
  for (const path of ['/health', '/health/ready']) {
    await eventually(async () => (await fetch(`${api.url}${path}`).catch(() => null))?.ok, `${api.url}${path}`, 60_000);
  }
}

export const alive = (r: Running) => r.child.exitCode === null && r.child.signalCode === null;

/** SIGTERM to every child still running (SIGKILL after 15 s), and until each has exited. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    children.filter(alive).map(
      (r) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => r.child.kill('SIGKILL'), 15_000);
          r.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          r.child.kill('SIGTERM');
        }),
    ),
  );
}

/** The last lines of every child's output, for a failure's message. */
export const outputs = (lines = 30) =>
  children
    .map(
      (r) => `---- ${r.name} (${alive(r) ? 'running' : 'exited'}):\n${r.output().split('\n').slice(-lines).join('\n')}`,
    )
    .join('\n');

// ---- HTTP as a client of a process sees it ----

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** A connection that broke or was refused: what a client of a killed process may see. */
export const CONNECTION_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
export class ConnectionError extends Error {
  constructor(readonly code: string) {
    super(`connection error ${code}`);
  }
}

export async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  token: string | null,
  body?: object,
  key?: string,
): Promise<Answer> {
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  if (key) headers['idempotency-key'] = key;
  let res: Response;
  try {
    res = await fetch(`${base}${path.startsWith('/health') ? '' : '/api/v1'}${path}`, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    if (cause?.code && CONNECTION_ERRORS.has(cause.code)) throw new ConnectionError(cause.code);
    throw error;
  }
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    throw new ConnectionError(cause?.code ?? 'UND_ERR_SOCKET');
  }
  return {
    status: res.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: res.headers,
  };
}

/**
 * The 503s a patient client waited out: a shared MySQL out of connections (other suites, other
 * people) makes the apis answer 503 "the database is unavailable", which a client retries.
 */
export const waitedOut = { count: 0 };

/**
 * `call`, sent again after a moment while the answer is a 503 (a database out of connections, a lock
 * conflict), as a client honouring Retry-After does; a call with an Idempotency-Key happens once.
 */
export async function patientCall(...args: Parameters<typeof call>): Promise<Answer> {
  for (let attempt = 1; ; attempt++) {
    const answer = await call(...args);
    if (answer.status !== 503 || attempt >= 40) return answer;
    waitedOut.count++;
    await new Promise((r) => setTimeout(r, 250));
  }
}

// ---- the webhooks' receiver ----

export interface Hit {
  headers: IncomingHttpHeaders;
  body: { type: string; data: { requestId: string } };
}

export async function receiver() {
  const hits: Hit[] = [];
  /** While holding, answers wait: the deliveries stay in flight, their jobs active. */
  const state = { holding: false, held: [] as ServerResponse[], cut: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Hit['body'] });
      if (!state.holding) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      state.held.push(res);
      // A sender that dies with its answer pending leaves its delivery to the other worker.
      res.on('close', () => {
        if (!res.writableEnded) state.cut++;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    hits,
    state,
    hold: () => {
      state.holding = true;
    },
    /** Answers what is held (what a dead sender left is gone) and stops holding. */
    release: () => {
      state.holding = false;
      for (const res of state.held.splice(0)) {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof receiver>>;

/** Seconds since `start`, for the suites' timing lines. */
export const seconds = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`;
