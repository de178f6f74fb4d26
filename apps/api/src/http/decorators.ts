import type { ActorRole } from '#database';
import type { Actor } from '#identity';
import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';
export const ROLES_KEY = 'roles';

/** The route needs no token. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles may call the route (others get 403). */
export const Roles = (...roles: ActorRole[]) => SetMetadata(ROLES_KEY, roles);

export interface RequestWithActor {
  headers: Record<string, string | string[] | undefined>;
  actor?: Actor;
}

/** The authenticated actor of the request. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});

/** The Accept-Language header, or undefined; documented on the route with an optional @ApiHeader. */
export const AcceptLanguage = createParamDecorator((_: unknown, ctx: ExecutionContext): string | undefined => {
  const value = ctx.switchToHttp().getRequest<RequestWithActor>().headers['accept-language'];
  return Array.isArray(value) ? value.join(',') : value;
});
