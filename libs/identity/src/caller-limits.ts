import { type ActorRoleName, APP_CONFIG, type AppConfig, createRedis, type RedisClient } from '#config';
import { DomainError } from '#common';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Actor } from './actor.js';

/** Where one caller stands against its role's limit, after counting the request just made. */
export interface CallerAllowance {
  /** The policy's name: the caller's role, as each role has its own quota. */
  policy: ActorRoleName;
  /** Requests allowed per window. */
  quota: number;
  windowSeconds: number;
  /** Requests left in the current window (0 once refused). */
  remaining: number;
  /** Whole seconds until the current window ends and the quota is whole again. */
  resetSeconds: number;
  /** Set when the request is over the limit: the 429 to answer with. */
  refusal?: DomainError;
}

/**
 * The rate limit of every authenticated caller, with rate-limiter-flexible: requests per window by
 * role (RATE_LIMIT_<ROLE> per RATE_LIMIT_WINDOW seconds), counted per caller (a person's user id, a
 * service account's id) in Redis so every api process shares one count. While Redis is down, each
 * process counts in its own memory instead, so no request is refused because Redis is away.
 */
@Injectable()
export class CallerLimits implements OnModuleDestroy {
  private readonly redis: RedisClient;
  private readonly limiters: Record<ActorRoleName, RateLimiterAbstract>;
  private readonly windowSeconds: number;
  private readonly perRole: Record<ActorRoleName, number>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { windowSeconds, perRole } = config.auth.rateLimit;
    this.windowSeconds = windowSeconds;
    this.perRole = perRole;
    // As LoginLimits: commands fail at once while Redis is away (no offline queue), and memory takes over.
    this.redis = createRedis(config, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: 1000,
      lazyConnect: false,
    });
    this.redis.on('error', () => undefined);
    const limiter = (role: ActorRoleName) =>
      new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${config.queue.prefix}:caller-rate:${role}`,
        points: perRole[role],
        duration: windowSeconds,
        insuranceLimiter: new RateLimiterMemory({ points: perRole[role], duration: windowSeconds }),
      });
    this.limiters = {
      applicant: limiter('applicant'),
      clerk: limiter('clerk'),
      approver: limiter('approver'),
      manager: limiter('manager'),
      admin: limiter('admin'),
      system: limiter('system'),
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }

  /** Counts one request of the caller against its role's limit; the allowance carries a refusal past it. */
  async admit(actor: Pick<Actor, 'id' | 'role'>): Promise<CallerAllowance> {
    const policy = actor.role;
    const quota = this.perRole[policy];
    const base = { policy, quota, windowSeconds: this.windowSeconds };
    try {
      const state = await this.limiters[policy].consume(actor.id);
      return { ...base, remaining: state.remainingPoints, resetSeconds: seconds(state.msBeforeNext) };
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const resetSeconds = Math.max(1, seconds(rejection.msBeforeNext));
      return {
        ...base,
        remaining: 0,
        resetSeconds,
        refusal: new DomainError(
          'Throttled',
          `too many requests from this caller (limit ${quota} per ${this.windowSeconds} s); try again in ${resetSeconds} s`,
          { retryAfterSeconds: resetSeconds },
        ),
      };
    }
  }
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));
