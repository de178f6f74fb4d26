/**
 * Builds the test databases with the same migrations a deployment runs: the base one and one per
 * further jest worker (`<base>_w2`, …, as test/test-env.ts names them). Jest loads this file
 * outside its module system, so it uses the built code (`npm test` builds first).
 */
import { loadConfig } from '#config';
import { migrate } from '../dist/apps/cli/src/migrate.js';

const DEFAULT_TEST_DATABASE_URL = 'mysql://root@127.0.0.1:3306/one_thing_test';

export default async function globalSetup(globalConfig) {
  const base = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const workers = globalConfig.maxWorkers ?? 1;
  const urls = [base];
  for (let id = 2; id <= workers; id++) {
    const url = new URL(base);
    url.pathname = `${url.pathname}_w${id}`;
    urls.push(url.toString());
  }
  for (const url of urls) await migrate(loadConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: url }));
}
