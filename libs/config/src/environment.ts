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

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/** Outside production a documented demo password is used when ADMIN_PASSWORD is unset (API.md, Users). */
export const DEMO_ADMIN_PASSWORD = 'admin-demo-2026';
const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

/**
 * The process environment as the apps read it. class-validator runs a property's decorators
 * bottom-up and we stop at the first failure, so the most basic check sits lowest.
 * Names are fixed by API.md (Configuration);
 * every default reaches MySQL and Redis on 127.0.0.1 at their standard ports.
 */
export class EnvironmentVariables {
  @IsOptional()
  @IsIn(NODE_ENVS, { message: `NODE_ENV must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  @Transform(({ value }) => Number(value))
  @Max(65535, { message: 'PORT must be between 0 and 65535' })
  @Min(0, { message: 'PORT must be between 0 and 65535' })
  @IsInt({ message: 'PORT must be an integer' })
  PORT = 3000;

  @IsOptional()
  @Matches(/^mysql:\/\/[^/]+\/[A-Za-z0-9_]{1,64}(\?.*)?$/, {
    message: 'DATABASE_URL must look like mysql://user:password@host:3306/database',
  })
  DATABASE_URL = 'mysql://root@127.0.0.1:3306/one_thing';

  @IsOptional()
  @Matches(/^rediss?:\/\/[^/]+(\/\d+)?$/, {
    message: 'REDIS_URL must look like redis://[:password@]host:6379[/db]',
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

  @IsOptional()
  @Matches(/^\d+[smhd]$/, { message: 'JWT_EXPIRES_IN must be a duration such as 15m, 8h or 1d' })
  JWT_EXPIRES_IN = '8h';

  @ValidateIf((env: EnvironmentVariables) => env.NODE_ENV === 'production' || env.ADMIN_PASSWORD !== undefined)
  @MinLength(12, { message: 'ADMIN_PASSWORD must be at least 12 characters' })
  @IsString({ message: 'ADMIN_PASSWORD is required in production' })
  ADMIN_PASSWORD?: string;

  /** Failed logins in a row (within the lockout time) that lock a username. */
  @Transform(({ value }) => Number(value))
  @Max(1000, { message: 'LOGIN_MAX_FAILURES must be between 1 and 1000' })
  @Min(1, { message: 'LOGIN_MAX_FAILURES must be between 1 and 1000' })
  @IsInt({ message: 'LOGIN_MAX_FAILURES must be an integer' })
  LOGIN_MAX_FAILURES = 5;

  @IsOptional()
  @Matches(/^\d{1,6}[smhd]$/, { message: 'LOGIN_LOCKOUT must be a duration such as 15m or 1h' })
  LOGIN_LOCKOUT = '15m';

  /** Login attempts per minute from one address, and for one username, before 429. */
  @Transform(({ value }) => Number(value))
  @Max(1_000_000, { message: 'LOGIN_RATE_PER_ADDRESS must be between 1 and 1000000' })
  @Min(1, { message: 'LOGIN_RATE_PER_ADDRESS must be between 1 and 1000000' })
  @IsInt({ message: 'LOGIN_RATE_PER_ADDRESS must be an integer' })
  LOGIN_RATE_PER_ADDRESS = 30;

  @Transform(({ value }) => Number(value))
  @Max(1_000_000, { message: 'LOGIN_RATE_PER_USERNAME must be between 1 and 1000000' })
  @Min(1, { message: 'LOGIN_RATE_PER_USERNAME must be between 1 and 1000000' })
  @IsInt({ message: 'LOGIN_RATE_PER_USERNAME must be an integer' })
  LOGIN_RATE_PER_USERNAME = 10;

  /** 整改: working days a follow-up of a poor evaluation has, on the request's calendar, to be fed back. */
  @Transform(({ value }) => Number(value))
  @Max(60, { message: 'FOLLOW_UP_LIMIT_WORKING_DAYS must be between 1 and 60' })
  @Min(1, { message: 'FOLLOW_UP_LIMIT_WORKING_DAYS must be between 1 and 60' })
  @IsInt({ message: 'FOLLOW_UP_LIMIT_WORKING_DAYS must be an integer' })
  FOLLOW_UP_LIMIT_WORKING_DAYS = 5;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
  })
  LOG_LEVEL = 'info';
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigurationError';
  }
}

export interface AppConfig {
  nodeEnv: NodeEnv;
  port: number;
  logLevel: string;
  database: { url: string; host: string; port: number; user: string; password: string; name: string };
  redis: { url: string; host: string; port: number; username?: string; password?: string; db: number; tls: boolean };
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
  };
  /** 整改: the limit of a follow-up opened by a score of 1 or 2, counted on the request's calendar. */
  followUps: { limitWorkingDays: number };
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
      raw.ADMIN_PASSWORD === DEMO_ADMIN_PASSWORD
        ? 'ADMIN_PASSWORD must not be the documented demo password in production'
        : '',
    ].filter(Boolean);
    if (problems.length > 0) throw new ConfigurationError(problems);
  }
  const db = new URL(raw.DATABASE_URL);
  const redis = new URL(raw.REDIS_URL);
  return {
    nodeEnv: raw.NODE_ENV,
    port: raw.PORT,
    logLevel: raw.LOG_LEVEL,
    database: {
      url: raw.DATABASE_URL,
      host: db.hostname,
      port: db.port ? Number(db.port) : 3306,
      user: decodeURIComponent(db.username) || 'root',
      password: decodeURIComponent(db.password),
      name: db.pathname.slice(1),
    },
    redis: {
      url: raw.REDIS_URL,
      host: redis.hostname,
      port: redis.port ? Number(redis.port) : 6379,
      username: redis.username ? decodeURIComponent(redis.username) : undefined,
      password: redis.password ? decodeURIComponent(redis.password) : undefined,
      db: redis.pathname.length > 1 ? Number(redis.pathname.slice(1)) : 0,
      tls: redis.protocol === 'rediss:',
    },
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
    },
    followUps: { limitWorkingDays: raw.FOLLOW_UP_LIMIT_WORKING_DAYS },
  };
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `15m` → 900000; the value has been checked against /^\d+[smhd]$/. */
export function durationMs(value: string): number {
  return Number(value.slice(0, -1)) * UNIT_MS[value.slice(-1) as keyof typeof UNIT_MS];
}

/** Where Redis is, as ioredis and BullMQ take it; each client adds its own retry and queueing behaviour. */
export function redisEndpoint(config: Pick<AppConfig, 'redis'>) {
  const { host, port, username, password, db, tls } = config.redis;
  return { host, port, username, password, db, tls: tls ? {} : undefined };
}

/** Redacts the password of a connection URL so it can be printed. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(unparseable url)';
  }
}

function pick(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const keys = Object.keys(new EnvironmentVariables());
  // An empty variable counts as unset, so its default applies.
  return Object.fromEntries(
    ['JWT_SECRET', 'ADMIN_PASSWORD', ...keys].flatMap((k) => (env[k]?.trim() ? [[k, env[k]]] : [])),
  );
}
