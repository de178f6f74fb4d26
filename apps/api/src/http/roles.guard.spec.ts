import type { ActorRole } from '#database';
import { ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { roleAllowed, RolesGuard } from './roles.guard.js';
import { ROLES_KEY } from './decorators.js';

function contextFor(
  role: ActorRole | undefined,
  allowed: ActorRole[] | undefined,
): { context: ExecutionContext; reflector: Reflector } {
  const handler = () => undefined;
  if (allowed) Reflect.defineMetadata(ROLES_KEY, allowed, handler);
  const context = {
    getHandler: () => handler,
    getClass: () => class {},
    switchToHttp: () => ({
      getRequest: () => ({ headers: {}, actor: role ? { id: '1', username: 'u', role } : undefined }),
    }),
  } as unknown as ExecutionContext;
  return { context, reflector: new Reflector() };
}

describe('roleAllowed', () => {
  it('lets any signed-in role through a route without @Roles', () => {
    expect(roleAllowed('applicant', undefined)).toBe(true);
    expect(roleAllowed('applicant', [])).toBe(true);
  });

  it('lets only the listed roles through', () => {
    expect(roleAllowed('admin', ['admin'])).toBe(true);
    expect(roleAllowed('manager', ['admin', 'manager'])).toBe(true);
    expect(roleAllowed('clerk', ['admin'])).toBe(false);
    expect(roleAllowed(undefined, ['admin'])).toBe(false);
  });

  it("lets a department's system through only the routes that name it", () => {
    expect(roleAllowed('system', undefined)).toBe(false);
    expect(roleAllowed('system', [])).toBe(false);
    expect(roleAllowed('system', ['approver'])).toBe(false);
    expect(roleAllowed('system', ['approver', 'system'])).toBe(true);
  });
});

describe('RolesGuard', () => {
  it('passes an admin on an admin route', () => {
    const { context, reflector } = contextFor('admin', ['admin']);
    expect(new RolesGuard(reflector).canActivate(context)).toBe(true);
  });

  it('answers 403 naming the role and the allowed roles', () => {
    const { context, reflector } = contextFor('approver', ['admin', 'clerk']);
    expect(() => new RolesGuard(reflector).canActivate(context)).toThrow(ForbiddenException);
    expect(() => new RolesGuard(reflector).canActivate(context)).toThrow(
      'role approver may not do this; allowed: admin, clerk',
    );
  });

  it("answers a department's system 403 saying what it may do", () => {
    const { context, reflector } = contextFor('system', undefined);
    expect(() => new RolesGuard(reflector).canActivate(context)).toThrow(
      "a department's system may only list its department's tasks, read those requests and decide its steps",
    );
  });
});
