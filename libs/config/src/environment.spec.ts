import { safeUrl } from './connection-urls.js';
import { ConfigurationError, DEMO_ADMIN_PASSWORD, loadConfig } from './environment.js';

describe('loadConfig', () => {
  it('reaches MySQL and Redis on 127.0.0.1 at their standard ports when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
      name: 'one_thing',
    });
    expect(config.redis).toMatchObject({ host: '127.0.0.1', port: 6379, db: 0, tls: false });
    expect(config.queue.prefix).toBe('{one-thing}');
    expect(config.nodeEnv).toBe('development');
  });

  it('reads every variable the README names under Configuration', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'mysql://app:s%40cret@db.internal:3307/desk',
      REDIS_URL: 'rediss://:pw@cache:6380/2',
      QUEUE_PREFIX: '{zone-a}',
      JWT_SECRET: 'x'.repeat(40),
      ADMIN_PASSWORD: 'a-strong-password-1',
      WEBHOOK_SECRET_KEY: 'w'.repeat(40),
      WEBHOOK_ALLOWED_HOSTS: 'Hooks.internal, 10.0.0.5',
      NODE_ENV: 'production',
    });
    expect(config.webhooks).toMatchObject({ secretKey: 'w'.repeat(40), allowedHosts: ['hooks.internal', '10.0.0.5'] });
    expect(config.port).toBe(8080);
    expect(config.database).toMatchObject({
      host: 'db.internal',
      port: 3307,
      user: 'app',
      password: 's@cret',
      name: 'desk',
    });
    expect(config.redis).toMatchObject({ host: 'cache', port: 6380, password: 'pw', db: 2, tls: true });
    expect(config.queue.prefix).toBe('{zone-a}');
    expect(config.auth).toMatchObject({
      jwtSecret: 'x'.repeat(40),
      adminPassword: 'a-strong-password-1',
      adminPasswordIsDemo: false,
    });
  });

  it('uses the documented demo admin password outside production when ADMIN_PASSWORD is unset', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).auth).toMatchObject({
      adminPassword: DEMO_ADMIN_PASSWORD,
      adminPasswordIsDemo: true,
    });
  });

  it('refuses production without JWT_SECRET or ADMIN_PASSWORD, naming both', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigurationError);
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('JWT_SECRET is required in production');
      expect(message).toContain('ADMIN_PASSWORD is required in production');
      expect(message).toContain('WEBHOOK_SECRET_KEY is required in production');
    }
  });

  it('refuses production with the documented development secret or demo admin password', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'y'.repeat(40),
      ADMIN_PASSWORD: 'a-strong-password-1',
      WEBHOOK_SECRET_KEY: 'k'.repeat(40),
    };
    expect(() => loadConfig({ ...production, ADMIN_PASSWORD: DEMO_ADMIN_PASSWORD })).toThrow(
      'ADMIN_PASSWORD must not be the documented demo password in production',
    );
    const devSecret = loadConfig({}).auth.jwtSecret;
    expect(() => loadConfig({ ...production, JWT_SECRET: devSecret })).toThrow(
      'JWT_SECRET must not be the documented development secret in production',
    );
    expect(() => loadConfig({ ...production, WEBHOOK_SECRET_KEY: loadConfig({}).webhooks.secretKey })).toThrow(
      'WEBHOOK_SECRET_KEY must not be the documented development key in production',
    );
    expect(loadConfig(production).auth.jwtSecret).toBe('y'.repeat(40));
  });

  it('reads the login limits: 5 failures lock a username for 15 minutes by default', () => {
    expect(loadConfig({}).auth.login).toEqual({
      maxFailures: 5,
      lockoutMs: 15 * 60_000,
      perAddressPerMinute: 30,
      perUsernamePerMinute: 10,
    });
    expect(
      loadConfig({
        LOGIN_MAX_FAILURES: '3',
        LOGIN_LOCKOUT: '2h',
        LOGIN_RATE_PER_ADDRESS: '100',
        LOGIN_RATE_PER_USERNAME: '4',
      }).auth.login,
    ).toEqual({ maxFailures: 3, lockoutMs: 2 * 3_600_000, perAddressPerMinute: 100, perUsernamePerMinute: 4 });
  });

  it('limits each authenticated caller per role, a few hundred a minute for people and more for systems', () => {
    expect(loadConfig({}).auth.rateLimit).toEqual({
      windowSeconds: 60,
      perRole: { applicant: 300, clerk: 600, approver: 600, manager: 600, admin: 600, system: 3000 },
    });
    expect(
      loadConfig({ RATE_LIMIT_CLERK: '5', RATE_LIMIT_SYSTEM: '20000', RATE_LIMIT_WINDOW: '10' }).auth.rateLimit,
    ).toEqual({
      windowSeconds: 10,
      perRole: { applicant: 300, clerk: 5, approver: 600, manager: 600, admin: 600, system: 20000 },
    });
  });

  it('gives a follow-up (整改) 5 working days unless FOLLOW_UP_LIMIT_WORKING_DAYS says otherwise', () => {
    expect(loadConfig({}).followUps).toEqual({ limitWorkingDays: 5 });
    expect(loadConfig({ FOLLOW_UP_LIMIT_WORKING_DAYS: '10' }).followUps).toEqual({ limitWorkingDays: 10 });
  });

  it.each([
    ['FOLLOW_UP_LIMIT_WORKING_DAYS', '0', 'FOLLOW_UP_LIMIT_WORKING_DAYS must be between 1 and 60'],
    ['FOLLOW_UP_LIMIT_WORKING_DAYS', '2.5', 'FOLLOW_UP_LIMIT_WORKING_DAYS must be an integer'],
    ['FOLLOW_UP_LIMIT_WORKING_DAYS', 'a week', 'FOLLOW_UP_LIMIT_WORKING_DAYS must be an integer'],
    ['LOGIN_MAX_FAILURES', '0', 'LOGIN_MAX_FAILURES must be between 1 and 1000'],
    ['LOGIN_MAX_FAILURES', 'many', 'LOGIN_MAX_FAILURES must be an integer'],
    ['LOGIN_LOCKOUT', 'a while', 'LOGIN_LOCKOUT must be a duration'],
    ['LOGIN_RATE_PER_ADDRESS', '-1', 'LOGIN_RATE_PER_ADDRESS must be between 1 and 1000000'],
    ['LOGIN_RATE_PER_USERNAME', '1.5', 'LOGIN_RATE_PER_USERNAME must be an integer'],
    ['RATE_LIMIT_APPLICANT', '0', 'RATE_LIMIT_APPLICANT must be between 1 and 1000000'],
    ['RATE_LIMIT_SYSTEM', 'lots', 'RATE_LIMIT_SYSTEM must be an integer'],
    ['RATE_LIMIT_WINDOW', '90000', 'RATE_LIMIT_WINDOW must be between 1 and 86400'],
    ['PORT', 'eighty', 'PORT must be an integer'],
    ['PORT', '70000', 'PORT must be between 0 and 65535'],
    ['DATABASE_URL', 'postgres://localhost/x', 'DATABASE_URL must look like'],
    ['DATABASE_URL', 'mysql://localhost/bad-name;drop', 'DATABASE_URL must look like'],
    ['REDIS_URL', 'localhost:6379', 'REDIS_URL must look like'],
    ['REDIS_URL', 'redis+cluster://', 'REDIS_URL must look like'],
    ['REDIS_URL', 'redis+cluster://127.0.0.1', 'REDIS_URL must look like'],
    ['REDIS_URL', 'redis+cluster://127.0.0.1:7101/0', 'REDIS_URL must look like'],
    ['REDIS_URL', 'redis+cluster://127.0.0.1:7101,', 'REDIS_URL must look like'],
    ['REDIS_URL', 'redis+cluster://a:7101;b:7102', 'REDIS_URL must look like'],
    ['REDIS_URL', 'cluster://a:7101,b:7102', 'REDIS_URL must look like'],
    ['QUEUE_PREFIX', 'bull', 'QUEUE_PREFIX must be a Redis Cluster hash tag'],
    ['JWT_SECRET', 'short', 'JWT_SECRET must be at least 32 characters'],
    ['JWT_EXPIRES_IN', 'forever', 'JWT_EXPIRES_IN must be a duration'],
    ['NODE_ENV', 'staging', 'NODE_ENV must be one of'],
    ['TRUST_PROXY', 'everyone', 'TRUST_PROXY must be loopback'],
    ['METRICS_TOKEN', 'short', 'METRICS_TOKEN must be at least 16 characters'],
    ['WORKER_METRICS_PORT', '70000', 'WORKER_METRICS_PORT must be between 0 and 65535'],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('believes only a proxy on this machine about the client unless TRUST_PROXY names more', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: 'loopback, uniquelocal' }).trustProxy).toEqual(['loopback', 'uniquelocal']);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toEqual(['10.0.0.0/8']);
  });

  it('serves the metrics to a scraper only with a token, and the worker’s on port 9464 unless told', () => {
    expect(loadConfig({}).metrics).toEqual({ token: '', workerPort: 9464 });
    expect(loadConfig({ METRICS_TOKEN: 'm'.repeat(16), WORKER_METRICS_PORT: '0' }).metrics).toEqual({
      token: 'm'.repeat(16),
      workerPort: 0,
    });
  });

  it('reads one Redis as before: no cluster, its one node', () => {
    expect(loadConfig({ REDIS_URL: 'redis://u:p%40ss@cache:6380/3' }).redis).toEqual({
      url: 'redis://u:p%40ss@cache:6380/3',
      host: 'cache',
      port: 6380,
      username: 'u',
      password: 'p@ss',
      db: 3,
      tls: false,
      cluster: false,
      nodes: [{ host: 'cache', port: 6380 }],
    });
    expect(loadConfig({}).redis).toMatchObject({ cluster: false, nodes: [{ host: '127.0.0.1', port: 6379 }] });
  });

  it('reads a Redis Cluster from redis+cluster://: its seeds in order, the first as host and port', () => {
    const url = 'redis+cluster://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103';
    expect(loadConfig({ REDIS_URL: url }).redis).toEqual({
      url,
      host: '127.0.0.1',
      port: 7101,
      username: undefined,
      password: undefined,
      db: 0,
      tls: false,
      cluster: true,
      nodes: [
        { host: '127.0.0.1', port: 7101 },
        { host: '127.0.0.1', port: 7102 },
        { host: '127.0.0.1', port: 7103 },
      ],
    });
  });

  it('reads a Redis Cluster with credentials, TLS, host names and IPv6 seeds', () => {
    const tls = loadConfig({ REDIS_URL: 'rediss+cluster://desk:s%40cret%3A1@node-a.cache:6379,[::1]:7000' }).redis;
    expect(tls).toMatchObject({
      username: 'desk',
      password: 's@cret:1',
      tls: true,
      cluster: true,
      host: 'node-a.cache',
      port: 6379,
      nodes: [
        { host: 'node-a.cache', port: 6379 },
        { host: '::1', port: 7000 },
      ],
    });
    expect(loadConfig({ REDIS_URL: 'redis+cluster://:pw@one:7000' }).redis).toMatchObject({
      username: undefined,
      password: 'pw',
      nodes: [{ host: 'one', port: 7000 }],
    });
  });

  it('prints a cluster URL without its password', () => {
    expect(safeUrl('redis+cluster://desk:secret@a:7000,b:7001')).toBe('redis+cluster://desk:***@a:7000,b:7001');
    expect(safeUrl('rediss+cluster://:secret@a:7000')).toBe('rediss+cluster://:***@a:7000');
    expect(safeUrl('redis+cluster://a:7000,b:7001')).toBe('redis+cluster://a:7000,b:7001');
    expect(safeUrl('redis://:secret@a:6379')).toBe('redis://:***@a:6379');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', REDIS_URL: '', JWT_SECRET: '' }).port).toBe(3000);
  });
  it('reads the read replicas from DATABASE_REPLICA_URLS, none when it is empty, and names a malformed one', () => {
    expect(loadConfig({}).database.replicas).toEqual([]);
    expect(loadConfig({ DATABASE_REPLICA_URLS: ' ' }).database.replicas).toEqual([]);
    const config = loadConfig({
      DATABASE_REPLICA_URLS: 'mysql://reader:p%40ss@replica-1:3307/desk, mysql://replica-2/desk',
    });
    expect(config.database.replicas).toEqual([
      {
        url: 'mysql://reader:p%40ss@replica-1:3307/desk',
        host: 'replica-1',
        port: 3307,
        user: 'reader',
        password: 'p@ss',
        name: 'desk',
      },
      { url: 'mysql://replica-2/desk', host: 'replica-2', port: 3306, user: 'root', password: '', name: 'desk' },
    ]);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'mysql://replica-1:3307/desk,redis://cache' })).toThrow(
      /DATABASE_REPLICA_URLS must be mysql:\/\/ URLs/,
    );
  });
});
