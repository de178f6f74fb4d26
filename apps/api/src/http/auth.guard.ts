import { AuthService, ServiceAccountsService } from '#identity';
import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { IS_PUBLIC, type RequestWithActor } from './decorators.js';

/**
 * Every route needs a valid bearer token unless it is marked @Public(): a person's access token, or
 * a department's system's API key (`otk_…`, docs/api.md), which acts with the role `system`.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly serviceAccounts: ServiceAccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim()) : null;
    if (!match) throw new UnauthorizedException('a bearer token is required: Authorization: Bearer <accessToken>');
    if (match[1].startsWith('otk_')) {
      const system = await this.serviceAccounts.verify(match[1]);
      if (!system) throw new UnauthorizedException('the API key is invalid or has been revoked');
      request.actor = system;
      return true;
    }
    const actor = await this.auth.verify(match[1]);
    if (!actor) throw new UnauthorizedException('the bearer token is invalid or has expired');
    request.actor = actor;
    return true;
  }
}
