import { type CallerAllowance, CallerLimits } from '#identity';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { RequestWithActor } from './decorators.js';

/**
 * The fields of draft-ietf-httpapi-ratelimit-headers (RateLimit-Policy and RateLimit, Structured
 * Field Lists of one item named after the policy): `"clerk";q=600;w=60` and `"clerk";r=598;t=41`.
 */
export function rateLimitFields(allowance: CallerAllowance): { 'RateLimit-Policy': string; RateLimit: string } {
  const name = `"${allowance.policy}"`;
  return {
    'RateLimit-Policy': `${name};q=${allowance.quota};w=${allowance.windowSeconds}`,
    RateLimit: `${name};r=${allowance.remaining};t=${allowance.resetSeconds}`,
  };
}

/**
 * Runs after AuthGuard (and before RolesGuard): counts each authenticated request against its
 * caller's limit, writes the RateLimit fields on the answer whatever it turns out to be, and
 * answers 429 with Retry-After past the limit. Public routes carry no caller and are not counted here.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(private readonly limits: CallerLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const actor = http.getRequest<RequestWithActor>().actor;
    if (!actor) return true;
    const allowance = await this.limits.admit(actor);
    const response = http.getResponse<FastifyReply>();
    for (const [name, value] of Object.entries(rateLimitFields(allowance))) response.header(name, value);
    if (allowance.refusal) throw allowance.refusal;
    return true;
  }
}
