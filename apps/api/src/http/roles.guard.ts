import type { ActorRole } from '#database';
import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_KEY, type RequestWithActor } from './decorators.js';

/**
 * Pure decision, unit-tested: may an actor of this role call a route that allows these roles? A
 * route without @Roles is open to every signed-in person, but a department's system (`system`) only
 * reaches the routes that name it.
 */
export function roleAllowed(role: ActorRole | undefined, allowed: readonly ActorRole[] | undefined): boolean {
  if (role === 'system') return allowed?.includes('system') ?? false;
  if (!allowed || allowed.length === 0) return true;
  return role !== undefined && allowed.includes(role);
}

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<ActorRole[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
    if (roleAllowed(actor?.role, allowed)) return true;
    if (actor?.role === 'system') {
      throw new ForbiddenException(
        "a department's system may only list its department's tasks, read those requests and decide its steps",
      );
    }
    throw new ForbiddenException(`role ${actor?.role ?? 'anonymous'} may not do this; allowed: ${allowed?.join(', ')}`);
  }
}
