import { loadConfig } from '#config';
import { buildDataSourceOptions } from './data-source-options.js';

describe('buildDataSourceOptions', () => {
  it('without DATABASE_REPLICA_URLS: one server, no replication', () => {
    const options = buildDataSourceOptions(loadConfig({ DATABASE_URL: 'mysql://app:pw@db:3307/desk' }));
    expect(options).toMatchObject({ host: 'db', port: 3307, username: 'app', password: 'pw', database: 'desk' });
    expect('replication' in options).toBe(false);
  });

  it('with replicas: the primary writes and answers every read not sent to a replica on purpose', () => {
    const options = buildDataSourceOptions(
      loadConfig({
        DATABASE_URL: 'mysql://app:pw@primary:3306/desk',
        DATABASE_REPLICA_URLS: 'mysql://reader:r@replica-1/desk,mysql://reader:r@replica-2:3307/desk',
      }),
    );
    expect(options).toMatchObject({
      replication: {
        master: { host: 'primary', port: 3306, username: 'app', password: 'pw', database: 'desk' },
        slaves: [
          { host: 'replica-1', port: 3306, username: 'reader', password: 'r', database: 'desk' },
          { host: 'replica-2', port: 3307, username: 'reader', password: 'r', database: 'desk' },
        ],
        defaultMode: 'master',
      },
    });
  });
});
