import { loadConfig } from '#config';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options.js';

/** For the TypeORM CLI (`npm run migration:*`): the same options the apps use. */
export default new DataSource(buildDataSourceOptions(loadConfig()));
