import { resolve } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MinLength,
  Min,
  validateSync,
  ValidateIf,
} from 'class-validator';
import { databaseEndpoint, type DatabaseEndpoint, parseRedisUrl } from './connection-urls.js';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Outside production a documented demo password is used when ADMIN_PASSWORD is unset (README.md, Run it). */
export const DEMO_ADMIN_PASSWORD = 'admin-demo-2026';
const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';
const DEV_WEBHOOK_SECRET_KEY = 'dev-only-webhook-key-change-me-0123456789';

/**
 * A whole number from `min` to `max`, read from its text: `NAME must be an integer`, or else
 * `NAME must be between min and max`.
 */
function IntBetween(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    const name = String(key);
    // Applied as the same stack written out would be: the lowest first.
    IsInt({ message: `${name} must be an integer` })(target, key);
    Min(min, { message: `${name} must be between ${min} and ${max}` })(target, key);
    Max(max, { message: `${name} must be between ${min} and ${max}` })(target, key);
    Transform(({ value }) => Number(value))(target, key);
  };
}

/** One Redis with an optional database, or the seeds of a Redis Cluster (host:port, comma-separated). */
const REDIS_URL_FORM =
  /^(rediss?:\/\/[^/]+(\/\d+)?|rediss?\+cluster:\/\/([^@/]*@)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}(,(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5})*)$/;

/**
 * The process environment as the apps read it. class-validator runs a property's decorators
 * bottom-up and we stop at the first failure, so the most basic check sits lowest.
 * Names are fixed by README.md (Configuration);
 * every default reaches MySQL and Redis on 127.0.0.1 at their standard ports.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  @IntBetween(0, 65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^mysql:\/\/[^/]+\/[A-Za-z0-9_]{1,64}(\?.*)?$/, {
    message: 'DATABASE_URL must look like mysql://user:password@host:3306/database',
  })
  DATABASE_URL = 'mysql://root@127.0.0.1:3306/one_thing';

  /**
   * Read replicas of DATABASE_URL's server, as mysql:// URLs separated by commas; the reports read
   * from them (README.md, Read replicas). Empty: no replicas, everything reads from DATABASE_URL.
   */
  @IsOptional()
  @Matches(
    /^(mysql:\/\/[^/\s,]+\/[A-Za-z0-9_]{1,64}(\?[^\s,]*)?(\s*,\s*mysql:\/\/[^/\s,]+\/[A-Za-z0-9_]{1,64}(\?[^\s,]*)?)*)?$/,
    {
      message:
        'DATABASE_REPLICA_URLS must be mysql:// URLs such as mysql://user:password@replica:3306/database, separated by commas',
    },
  )
  DATABASE_REPLICA_URLS = '';

  /**
   * One Redis (`redis://[user:password@]host:6379[/db]`, `rediss://` with TLS), or a Redis Cluster:
   * `redis+cluster://[user:password@]host:port,host:port,…` (`rediss+cluster://` with TLS), any of
   * its nodes as seeds (the client learns the rest from them); a cluster has no database number.
   */
  @IsOptional()
  @Matches(REDIS_URL_FORM, {
    message:
      'REDIS_URL must look like redis://[:password@]host:6379[/db] or redis+cluster://[:password@]host:7000,host:7001',
  })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Hash-tagged so every key of the queues lands in one slot of a Redis Cluster. */
  @IsOptional()
  @Matches(/^\{[A-Za-z0-9_.:-]{1,40}\}$/, {
    message: 'QUEUE_PREFIX must be a Redis Cluster hash tag such as {one-thing}',
  })
  QUEUE_PREFIX = '{one-thing}';

  @ValidateIf((env: EnvironmentVariables) => env.NODE_ENV === 'production' || env.JWT_SECRET !== undefined)
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  @IsString({ message: 'JWT_SECRET is required in production' })
  JWT_SECRET?: string;

  /** Encrypts the webhook subscriptions' signing secrets at rest (AES-256-GCM under its SHA-256). */
  @ValidateIf((env: EnvironmentVariables) => env.NODE_ENV === 'production' || env.WEBHOOK_SECRET_KEY !== undefined)
  @MinLength(32, { message: 'WEBHOOK_SECRET_KEY must be at least 32 characters' })
  @IsString({ message: 'WEBHOOK_SECRET_KEY is required in production' })
  WEBHOOK_SECRET_KEY?: string;

  /** Hosts a webhook may be sent to although they resolve to a private, loopback or link-local address. */
  @IsOptional()
  @Matches(/^([A-Za-z0-9.:[\]-]{1,253}(\s*,\s*[A-Za-z0-9.:[\]-]{1,253})*)?$/, {
    message: 'WEBHOOK_ALLOWED_HOSTS must be host names or addresses separated by commas',
  })
  WEBHOOK_ALLOWED_HOSTS = '';

  /** How long a receiver has to answer one webhook POST. */
  @IntBetween(100, 60_000)
  WEBHOOK_TIMEOUT_MS = 5000;

  /** The first retry's delay; each next one doubles (with jitter): 15 attempts from 5 s span about a day. */
  @IntBetween(10, 3_600_000)
  WEBHOOK_RETRY_BASE_MS = 5000;

  @IntBetween(1, 30)
  WEBHOOK_ATTEMPTS = 15;

  /**
   * How often a worker looks for deliveries due to be sent that no job carries (a process killed
   * between a commit and its enqueue, Redis restarted empty): one seen twice in a row is enqueued again.
   */
  @IntBetween(1000, 3_600_000)
  WEBHOOK_SWEEP_MS = 60_000;

  @IsOptional()
  @Matches(/^\d+[smhd]$/, { message: 'JWT_EXPIRES_IN must be a duration such as 15m, 8h or 1d' })
  JWT_EXPIRES_IN = '8h';

  @ValidateIf((env: EnvironmentVariables) => env.NODE_ENV === 'production' || env.ADMIN_PASSWORD !== undefined)
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  @IsString({ message: 'ADMIN_PASSWORD is required in production' })
  ADMIN_PASSWORD?: string;

  /** Failed logins in a row (within the lockout time) that lock a username. */
  @IntBetween(1, 1000)
  LOGIN_MAX_FAILURES = 5;

  @IsOptional()
  @Matches(/^\d{1,6}[smhd]$/, { message: 'LOGIN_LOCKOUT must be a duration such as 15m or 1h' })
  LOGIN_LOCKOUT = '15m';

  /** Login attempts per minute from one address, and for one username, before 429. */
  @IntBetween(1, 1_000_000)
  LOGIN_RATE_PER_ADDRESS = 30;

  @IntBetween(1, 1_000_000)
  LOGIN_RATE_PER_USERNAME = 10;

  /**
   * Requests one authenticated caller (a person's token, a service account's key) may make per
   * RATE_LIMIT_WINDOW seconds, by the caller's role, before 429; counted in Redis for every api process.
   */
  @IntBetween(1, 1_000_000)
  RATE_LIMIT_APPLICANT = 300;

  @IntBetween(1, 1_000_000)
  RATE_LIMIT_CLERK = 600;

  @IntBetween(1, 1_000_000)
  RATE_LIMIT_APPROVER = 600;

  @IntBetween(1, 1_000_000)
  RATE_LIMIT_MANAGER = 600;

  @IntBetween(1, 1_000_000)
  RATE_LIMIT_ADMIN = 600;

  /** A department's system calls the api without a person's pauses. */
  @IntBetween(1, 1_000_000)
  RATE_LIMIT_SYSTEM = 3000;

  @IntBetween(1, 86_400)
  RATE_LIMIT_WINDOW = 60;

  /** 整改: working days a follow-up of a poor evaluation has, on the request's calendar, to be fed back. */
  @IntBetween(1, 60)
  FOLLOW_UP_LIMIT_WORKING_DAYS = 5;

  /** Where the local-disk file storage keeps the materials' bytes (created when missing). */
  @IsOptional()
  @Matches(/^[^\0]{1,500}$/, { message: 'FILES_DIR must be a path' })
  FILES_DIR = 'data/files';

  /** Where the materials' bytes live: `local` (FILES_DIR) or `s3` (an S3-compatible object store, past one machine). */
  @IsOptional()
  @IsIn(['local', 's3'], { message: 'FILES_STORAGE must be local or s3' })
  FILES_STORAGE: 'local' | 's3' = 'local';

  /** The bucket, with FILES_STORAGE=s3. */
  @ValidateIf((env: EnvironmentVariables) => env.FILES_STORAGE === 's3')
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a bucket name (with FILES_STORAGE=s3)' })
  S3_BUCKET = '';

  /** The store's address when it is not AWS (MinIO, Ceph, OSS…): path-style requests are sent to it. */
  @IsOptional()
  @Matches(/^(https?:\/\/[^\s/]+(\/\S*)?)?$/, { message: 'S3_ENDPOINT must be an http(s) address' })
  S3_ENDPOINT = '';

  @IsOptional()
  @Matches(/^[a-z0-9-]{1,40}$/, { message: 'S3_REGION must be a region name such as us-east-1' })
  S3_REGION = 'us-east-1';

  /** The key prefix of every object. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9!_.*'()/-]{0,200}$/, { message: 'S3_PREFIX must be a key prefix such as files/' })
  S3_PREFIX = 'files/';

  @ValidateIf((env: EnvironmentVariables) => env.FILES_STORAGE === 's3')
  @MinLength(1, { message: 'S3_ACCESS_KEY_ID is required with FILES_STORAGE=s3' })
  S3_ACCESS_KEY_ID = '';

  @ValidateIf((env: EnvironmentVariables) => env.FILES_STORAGE === 's3')
  @MinLength(1, { message: 'S3_SECRET_ACCESS_KEY is required with FILES_STORAGE=s3' })
  S3_SECRET_ACCESS_KEY = '';

  /** The largest file one upload may carry, in bytes (20 MiB by default). */
  @IntBetween(1, 2_147_483_647)
  FILE_MAX_BYTES = 20 * 1024 * 1024;

  /** The most bytes the files of one request may add up to (100 MiB by default). */
  @IntBetween(1, 2_147_483_647)
  REQUEST_FILES_MAX_BYTES = 100 * 1024 * 1024;

  /**
   * The bearer token a Prometheus scraper sends to GET /metrics (the api) and to the worker's metrics
   * port; an admin's access token is accepted too. Without it only admins read the api's metrics.
   */
  @ValidateIf((env: EnvironmentVariables) => env.METRICS_TOKEN !== '')
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN = '';

  /**
   * Which proxies the api believes about the client's address (X-Forwarded-For), in Express's terms:
   * `loopback` by default; behind the scaled profile's balancer, `loopback, uniquelocal`.
   */
  @IsOptional()
  @Matches(
    /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]{2,43})(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-fA-F.:/]{2,43}))*$/,
    {
      message: 'TRUST_PROXY must be loopback, linklocal, uniquelocal or addresses (CIDR allowed), separated by commas',
    },
  )
  TRUST_PROXY = 'loopback';

  /** Where the worker serves its own /metrics (job durations and failures); 0 serves none. */
  @IntBetween(0, 65535)
  WORKER_METRICS_PORT = 9464;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';

  /** MySQL connections each process keeps at most; a server's max_connections bounds them all. */
  @IntBetween(1, 1000)
  DATABASE_POOL_SIZE = 20;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
  }
}

/** One Redis server's address. */
export interface RedisNode {
  host: string;
  port: number;
}

/** The roles a caller acts with (as #database's ActorRole, which config, a lower layer, cannot import). */
export type ActorRoleName = 'applicant' | 'clerk' | 'approver' | 'manager' | 'admin' | 'system';

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  logLevel: string;
  database: DatabaseEndpoint & {
    url: string;
    /** Read replicas (DATABASE_REPLICA_URLS): empty when every read goes to the primary. */
    replicas: (DatabaseEndpoint & { url: string })[];
    /** Connections each process keeps at most (DATABASE_POOL_SIZE). */
    poolSize: number;
  };
  /**
   * Where Redis is. With a Redis Cluster (`cluster`), `nodes` are the seeds from REDIS_URL and
   * host/port the first of them; with one Redis, `nodes` is that one.
   */
  redis: {
    url: string;
    host: string;
    port: number;
    username?: string;
    password?: string;
    db: number;
    tls: boolean;
    cluster: boolean;
    nodes: RedisNode[];
  };
  queue: { prefix: string };
  auth: {
    jwtSecret: string;
    jwtExpiresIn: string;
    adminPassword: string;
    /** True when the demo admin password stands in for an unset ADMIN_PASSWORD. */
    adminPasswordIsDemo: boolean;
    login: {
      maxFailures: number;
      lockoutMs: number;
      perAddressPerMinute: number;
      perUsernamePerMinute: number;
    };
    /** Requests per `windowSeconds` an authenticated caller of each role may make. */
    rateLimit: { windowSeconds: number; perRole: Record<ActorRoleName, number> };
  };
  /** 整改: the limit of a follow-up opened by a score of 1 or 2, counted on the request's calendar. */
  followUps: { limitWorkingDays: number };
  /** Signed webhooks out: the key of the secrets at rest, the hosts exempt from the SSRF check, timing. */
  webhooks: {
    secretKey: string;
    allowedHosts: string[];
    timeoutMs: number;
    retryBaseMs: number;
    attempts: number;
    sweepMs: number;
  };
  /** What operators scrape: the token of /metrics, the worker's metrics port (0: none). */
  metrics: { token: string; workerPort: number };
  /** The proxies trusted for the client's address (Express's `trust proxy`). */
  trustProxy: string[];
  /** Materials as files: where the local-disk storage keeps them (and an S3 store spools), the store, the size limits. */
  files: {
    dir: string;
    maxFileBytes: number;
    maxRequestBytes: number;
    storage: 'local' | 's3';
    s3: {
      bucket: string;
      prefix: string;
      region: string;
      endpoint?: string;
      forcePathStyle: boolean;
      accessKeyId: string;
      secretAccessKey: string;
    };
  };
}

/** Validates the environment once and turns it into typed settings; throws ConfigurationError naming every fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = plainToInstance(EnvironmentVariables, pick(env), { exposeDefaultValues: true });
  const errors = validateSync(raw, { whitelist: true, stopAtFirstError: true });
  if (errors.length > 0) {
    throw new ConfigurationError(errors.flatMap((e) => Object.values(e.constraints ?? {})));
  }
  if (raw.NODE_ENV === 'production') {
    // The documented development values are public: in production they are as good as none.
    const problems = [
      raw.JWT_SECRET === DEV_JWT_SECRET ? 'JWT_SECRET must not be the documented development secret in production' : '',
      raw.WEBHOOK_SECRET_KEY === DEV_WEBHOOK_SECRET_KEY
        ? 'WEBHOOK_SECRET_KEY must not be the documented development key in production'
        : '',
      raw.ADMIN_PASSWORD === DEMO_ADMIN_PASSWORD
        ? 'ADMIN_PASSWORD must not be the documented demo password in production'
        : '',
    ].filter(Boolean);
    if (problems.length > 0) throw new ConfigurationError(problems);
  }
  return {
    nodeEnv: raw.NODE_ENV,
    port: raw.PORT,
    logLevel: raw.LOG_LEVEL,
    database: {
      url: raw.DATABASE_URL,
      ...databaseEndpoint(raw.DATABASE_URL),
      replicas: raw.DATABASE_REPLICA_URLS.split(',')
        .map((u) => u.trim())
        .filter(Boolean)
        .map((url) => ({ url, ...databaseEndpoint(url) })),
      poolSize: raw.DATABASE_POOL_SIZE,
    },
    redis: parseRedisUrl(raw.REDIS_URL),
    queue: { prefix: raw.QUEUE_PREFIX },
    auth: {
      jwtSecret: raw.JWT_SECRET ?? DEV_JWT_SECRET,
      jwtExpiresIn: raw.JWT_EXPIRES_IN,
      adminPassword: raw.ADMIN_PASSWORD ?? DEMO_ADMIN_PASSWORD,
      adminPasswordIsDemo: raw.ADMIN_PASSWORD === undefined,
      login: {
        maxFailures: raw.LOGIN_MAX_FAILURES,
        lockoutMs: durationMs(raw.LOGIN_LOCKOUT),
        perAddressPerMinute: raw.LOGIN_RATE_PER_ADDRESS,
        perUsernamePerMinute: raw.LOGIN_RATE_PER_USERNAME,
      },
      rateLimit: {
        windowSeconds: raw.RATE_LIMIT_WINDOW,
        perRole: {
          applicant: raw.RATE_LIMIT_APPLICANT,
          clerk: raw.RATE_LIMIT_CLERK,
          approver: raw.RATE_LIMIT_APPROVER,
          manager: raw.RATE_LIMIT_MANAGER,
          admin: raw.RATE_LIMIT_ADMIN,
          system: raw.RATE_LIMIT_SYSTEM,
        },
      },
    },
    followUps: { limitWorkingDays: raw.FOLLOW_UP_LIMIT_WORKING_DAYS },
    webhooks: {
      secretKey: raw.WEBHOOK_SECRET_KEY ?? DEV_WEBHOOK_SECRET_KEY,
      allowedHosts: raw.WEBHOOK_ALLOWED_HOSTS.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      timeoutMs: raw.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: raw.WEBHOOK_RETRY_BASE_MS,
      attempts: raw.WEBHOOK_ATTEMPTS,
      sweepMs: raw.WEBHOOK_SWEEP_MS,
    },
    metrics: { token: raw.METRICS_TOKEN, workerPort: raw.WORKER_METRICS_PORT },
    trustProxy: raw.TRUST_PROXY.split(',').map((part) => part.trim()),
    files: {
      dir: resolve(raw.FILES_DIR),
      maxFileBytes: raw.FILE_MAX_BYTES,
      maxRequestBytes: raw.REQUEST_FILES_MAX_BYTES,
      storage: raw.FILES_STORAGE,
      s3: {
        bucket: raw.S3_BUCKET,
        prefix: raw.S3_PREFIX,
        region: raw.S3_REGION,
        endpoint: raw.S3_ENDPOINT || undefined,
        forcePathStyle: raw.S3_ENDPOINT !== '',
        accessKeyId: raw.S3_ACCESS_KEY_ID,
        secretAccessKey: raw.S3_SECRET_ACCESS_KEY,
      },
    },
  };
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `15m` → 900000; the value has been checked against /^\d+[smhd]$/. */
export function durationMs(value: string): number {
  return Number(value.slice(0, -1)) * UNIT_MS[value.slice(-1) as keyof typeof UNIT_MS];
}

function pick(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const keys = Object.keys(new EnvironmentVariables());
  // An empty variable counts as unset, so its default applies.
  return Object.fromEntries(
    ['JWT_SECRET', 'ADMIN_PASSWORD', 'WEBHOOK_SECRET_KEY', ...keys].flatMap((k) =>
      env[k]?.trim() ? [[k, env[k]]] : [],
    ),
  );
}
