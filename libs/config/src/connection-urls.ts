import type { AppConfig } from './environment.js';

/**
 * The connection URLs of the configuration (DATABASE_URL and its replicas, REDIS_URL) as the
 * settings the clients take, and as text safe to print. Each URL has been checked against its form
 * (environment.ts) before it is read here.
 */

/** Where one MySQL server is and how to log in to it. */
export interface DatabaseEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  name: string;
}

/** The parts of a mysql:// URL (already checked against its pattern). */
export function databaseEndpoint(url: string): DatabaseEndpoint {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username) || 'root',
    password: decodeURIComponent(u.password),
    name: u.pathname.slice(1),
  };
}

/**
 * REDIS_URL (already matched against its form) as settings: one Redis, or a Redis Cluster's seeds
 * (`redis+cluster://` or `rediss+cluster://`, nodes separated by commas).
 */
export function parseRedisUrl(url: string): AppConfig['redis'] {
  const cluster = /^rediss?\+cluster:\/\//.exec(url);
  if (!cluster) {
    const redis = new URL(url);
    const host = redis.hostname;
    const port = redis.port ? Number(redis.port) : 6379;
    return {
      url,
      host,
      port,
      username: redis.username ? decodeURIComponent(redis.username) : undefined,
      password: redis.password ? decodeURIComponent(redis.password) : undefined,
      db: redis.pathname.length > 1 ? Number(redis.pathname.slice(1)) : 0,
      tls: redis.protocol === 'rediss:',
      cluster: false,
      nodes: [{ host, port }],
    };
  }
  const rest = url.slice(cluster[0].length);
  const at = rest.lastIndexOf('@');
  const credentials = at >= 0 ? rest.slice(0, at) : '';
  const colon = credentials.indexOf(':');
  const username = colon >= 0 ? credentials.slice(0, colon) : credentials;
  const password = colon >= 0 ? credentials.slice(colon + 1) : '';
  const nodes = rest
    .slice(at + 1)
    .split(',')
    .map((node) => {
      const split = node.lastIndexOf(':');
      // [::1]:7000 is an IPv6 address: ioredis takes it without the brackets.
      return { host: node.slice(0, split).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(split + 1)) };
    });
  return {
    url,
    host: nodes[0].host,
    port: nodes[0].port,
    username: username ? decodeURIComponent(username) : undefined,
    password: password ? decodeURIComponent(password) : undefined,
    db: 0,
    tls: url.startsWith('rediss+'),
    cluster: true,
    nodes,
  };
}

/**
 * Where one Redis is, as ioredis and BullMQ take it; each client adds its own retry and queueing
 * behaviour. With a Redis Cluster, the first seed (createRedis in ./redis.ts connects to them all).
 */
export function redisEndpoint(config: Pick<AppConfig, 'redis'>) {
  const { host, port, username, password, db, tls } = config.redis;
  return { host, port, username, password, db, tls: tls ? {} : undefined };
}

/** Redacts the password of a connection URL so it can be printed. */
export function safeUrl(url: string): string {
  const cluster = /^(rediss?\+cluster:\/\/)([^@/]*@)?(.*)$/.exec(url);
  if (cluster) {
    const credentials = cluster[2]?.slice(0, -1) ?? '';
    const colon = credentials.indexOf(':');
    const shown = colon >= 0 ? `${credentials.slice(0, colon)}:***@` : credentials ? `${credentials}@` : '';
    return `${cluster[1]}${shown}${cluster[3]}`;
  }
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable url)';
  }
}
