import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from '../apps/api/src/openapi/canonical.js';
import { TEST_ENV } from './test-env.js';

/**
 * docs/openapi.json is the contract the console is built against: it must be what the api serves.
 * The built api is run as a deployment runs it (npm test builds first): under jest some decorators
 * (terminus's health documentation) cannot load @nestjs/swagger, so an in-process app would serve less.
 */
describe('docs/openapi.json', () => {
  let api: ChildProcess;
  let url: string;
  beforeAll(async () => {
    const entry = fileURLToPath(new URL('../dist/apps/api/src/main.js', import.meta.url));
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
    api = spawn(process.execPath, [entry], {
      env: { ...process.env, ...TEST_ENV, PORT: '0', QUEUE_PREFIX: `{test-openapi-${process.pid}}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the api did not start within 60 s: ${output}`)), 60_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /api listening on (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      api.stdout!.on('data', read);
      api.stderr!.on('data', read);
      api.on('exit', (code) => reject(new Error(`the api exited (code ${code}): ${output}`)));
    });
  });
  afterAll(async () => {
    if (api.exitCode === null) {
      const exited = new Promise((resolve) => api.on('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
  });

  it('is exactly the document the api serves at /api/docs-json', async () => {
    const res = await fetch(`${url}/api/docs-json`);
    expect(res.status).toBe(200);
    const served = canonicalJson(await res.json());
    const file = readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8');
    if (file !== served) {
      const a = file.split('\n');
      const b = served.split('\n');
      const line = a.findIndex((text, i) => text !== b[i]);
      throw new Error(
        `docs/openapi.json differs from the served /api/docs-json (first at line ${line + 1}: ` +
          `file ${JSON.stringify(a[line])}, served ${JSON.stringify(b[line])}): run \`npm run openapi\` and commit the file`,
      );
    }
    expect(file).toBe(served);
  });
});
