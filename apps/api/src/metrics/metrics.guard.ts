import { APP_CONFIG, type AppConfig } from '#config';
import { AuthService, ServiceAccountsService } from '#identity';
import { carriesMetricsToken } from '#platform';
import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { RequestWithActor } from '../http/decorators.js';

/**
 * Who reads /metrics: a scraper with METRICS_TOKEN, or an admin with their access token. Anyone else
 * signed in (a person of another role, a department's system) is a 403; no token, or a wrong one, a 401.
 */
@Injectable()
export class MetricsGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly auth: AuthService,
    private readonly serviceAccounts: ServiceAccountsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const header = request.headers.authorization;
    const text = Array.isArray(header) ? header[0] : header;
    if (carriesMetricsToken(text, this.config.metrics.token)) return true;
    const match = typeof text === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(text.trim()) : null;
    if (!match)
      throw new UnauthorizedException('a bearer token is required: the metrics token or an admin’s access token');
    const actor = match[1].startsWith('otk_')
      ? await this.serviceAccounts.verify(match[1])
      : await this.auth.verify(match[1]);
    if (!actor) throw new UnauthorizedException('the bearer token is invalid or has expired');
    if (actor.role !== 'admin')
      throw new ForbiddenException('only an admin or a scraper with the metrics token reads the metrics');
    return true;
  }
}
