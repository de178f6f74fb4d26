import type { Role } from '#database';
import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ROLES_KEY, type RequestWithActor } from './decorators.js';

/** Pure decision, unit-tested: may an actor of this role call a route that allows these roles? */
export function roleAllowed(role: Role | undefined, allowed: readonly Role[] | undefined): boolean {
  if (!allowed || allowed.length === 0) return true;
  return role !== undefined && allowed.includes(role);
}

@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
    if (roleAllowed(actor?.role, allowed)) return true;
    throw new ForbiddenException(`role ${actor?.role ?? 'anonymous'} may not do this; allowed: ${allowed?.join(', ')}`);
  }
}
