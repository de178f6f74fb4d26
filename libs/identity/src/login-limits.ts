import { APP_CONFIG, type AppConfig, createRedis, type RedisClient } from '#config';
import { DomainError } from '#common';
import { primaryPool } from '#database';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  RateLimiterMemory,
  RateLimiterMySQL,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';

/** The table the failure counts live in (migration LoginFailures). */
export const LOGIN_FAILURES_TABLE = 'login_failures';

/**
 * Brute-force protection of `POST /auth/login`, with rate-limiter-flexible:
 *
 * - a rate per address and a rate per username (attempts per minute, in Redis so every api
 *   process shares them; a process's memory stands in while Redis is down), answered with 429;
 * - a lockout: `maxFailures` failed logins in a row lock the username for the lockout time,
 *   counted in MySQL so a restart of anything forgets no failure. Unknown usernames are counted
 *   and locked the same way, so the lockout tells nobody whether a username exists.
 *
 * Usernames are counted case-insensitively, as MySQL finds them.
 */
@Injectable()
export class LoginLimits implements OnModuleDestroy {
  private readonly logger = new Logger(LoginLimits.name);
  private readonly redis: RedisClient;
  private readonly byAddress: RateLimiterAbstract;
  private readonly byUsername: RateLimiterAbstract;
  private readonly failures: RateLimiterMySQL;
  private readonly maxFailures: number;
  private readonly lockoutSeconds: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig, @InjectDataSource() dataSource: DataSource) {
    const { maxFailures, lockoutMs, perAddressPerMinute, perUsernamePerMinute } = config.auth.login;
    this.maxFailures = maxFailures;
    this.lockoutSeconds = Math.ceil(lockoutMs / 1000);
    // Commands fail at once while Redis is away (no offline queue), and the memory limiter takes over.
    this.redis = createRedis(config, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      lazyConnect: false,
    });
    this.redis.on('error', () => undefined);
    const rate = (name: string, points: number) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${config.queue.prefix}:login-rate:${name}`,
        points,
        duration: 60,
        insuranceLimiter: new RateLimiterMemory({ points, duration: 60 }),
      });
    this.byAddress = rate('address', perAddressPerMinute);
    this.byUsername = rate('username', perUsernamePerMinute);
    this.failures = new RateLimiterMySQL({
      storeClient: primaryPool(dataSource),
      storeType: 'pool',
      dbName: config.database.name,
      tableName: LOGIN_FAILURES_TABLE,
      tableCreated: true,
      keyPrefix: 'login',
      points: maxFailures,
      duration: this.lockoutSeconds,
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }

  /** Counts one attempt against the address's and the username's rates; 429 past either. */
  async admit(username: string, address: string): Promise<void> {
    const key = usernameKey(username);
    try {
      await Promise.all([this.byAddress.consume(address || 'unknown'), this.byUsername.consume(key)]);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw throttled(
          'too many login attempts from this address or for this username; try again later',
          rejection.msBeforeNext,
        );
      }
      throw rejection;
    }
  }

  /** Throws 429 while the username is locked out. */
  async assertNotLocked(username: string): Promise<void> {
    const state = await this.failures.get(usernameKey(username));
    if (state && state.consumedPoints >= this.maxFailures && state.msBeforeNext > 0) {
      throw lockedOut(state.msBeforeNext);
    }
  }

  /** Counts a failure; returns the end of the lockout when this failure starts one. */
  async recordFailure(username: string): Promise<Date | null> {
    const key = usernameKey(username);
    const state = await this.failures.penalty(key, 1);
    if (state.consumedPoints < this.maxFailures) return null;
    await this.failures.block(key, this.lockoutSeconds);
    this.logger.warn(`login locked after ${state.consumedPoints} failures in a row`);
    return new Date(Date.now() + this.lockoutSeconds * 1000);
  }

  /** A successful login clears the failures. */
  async recordSuccess(username: string): Promise<void> {
    await this.failures.delete(usernameKey(username));
  }
}

const usernameKey = (username: string) => username.toLowerCase();

function throttled(message: string, msBeforeNext: number): DomainError {
  return new DomainError('Throttled', message, { retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
}

export function lockedOut(msBeforeNext: number): DomainError {
  const minutes = Math.max(1, Math.ceil(msBeforeNext / 60_000));
  return throttled(
    `this username is locked after repeated failed logins; try again in ${minutes} minute${minutes === 1 ? '' : 's'}`,
    msBeforeNext,
  );
}
