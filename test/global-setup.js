/**
 * Builds the test database with the same migrations a deployment runs. Jest loads this file
 * outside its module system, so it uses the built code (`npm test` builds first).
 */
import { loadConfig } from '#config';
import { migrate } from '../dist/apps/cli/src/migrate.js';

const DEFAULT_TEST_DATABASE_URL = 'mysql://root@127.0.0.1:3306/one_thing_test';

export default async function globalSetup() {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  await migrate(loadConfig({ ...process.env, NODE_ENV: 'test', DATABASE_URL: url }));
}
