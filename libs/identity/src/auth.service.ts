import { AuditWriter } from '#audit';
import { DomainError } from '#common';
import { ROLES, type Role, User } from '#database';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from './actor.js';
import { LoginLimits } from './login-limits.js';
import { decoyHash, verifyPassword } from './password.js';
import { toUserView, type UserView } from './users.service.js';

/** What a queues pass is for, and how long it lasts. */
const QUEUES_PASS_PURPOSE = 'queues';
export const QUEUES_PASS_SECONDS = 15 * 60;

interface TokenClaims {
  sub: string;
  username: string;
  role: Role;
  companyUscc?: string;
  departmentCode?: string;
  hallCode?: string;
}

/** How many verified access tokens a process keeps (a few MB at the most). */
const VERIFIED_TOKENS = 10_000;

@Injectable()
export class AuthService {
  /**
   * Access tokens already verified, with their actor and expiry: every request of a session carries
   * the same token, and checking its signature and claims again each time was ~4% of the api's CPU.
   */
  private readonly verified = new Map<string, { actor: Actor; exp: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly audit: AuditWriter,
    private readonly limits: LoginLimits,
  ) {}

  /**
   * Unknown user and wrong password get the same answer after the same work, and count alike
   * towards the username's lockout (login-limits.ts). Every outcome is in the audit trail: the
   * login, the failure (with whether it locked the username), and an attempt while locked.
   */
  async login(username: string, password: string, address = ''): Promise<{ accessToken: string; user: UserView }> {
    await this.limits.admit(username, address);
    const user = await this.dataSource.getRepository(User).findOneBy({ username });
    const subject = { subjectType: 'user', subjectId: user?.id ?? `unknown:${[...username].slice(0, 50).join('')}` };
    const actor = user ? { id: user.id, role: user.role, username: user.username } : null;
    try {
      await this.limits.assertNotLocked(username);
    } catch (error) {
      await this.audit.append(this.dataSource.manager, {
        ...subject,
        action: 'auth.login-locked',
        actor,
        payload: { address },
      });
      throw error;
    }
    const ok = (await verifyPassword(user?.passwordHash ?? (await decoyHash()), password)) && user !== null;
    if (!ok) {
      const lockedUntil = await this.limits.recordFailure(username);
      await this.audit.append(this.dataSource.manager, {
        ...subject,
        action: 'auth.login-failed',
        actor,
        payload: lockedUntil ? { address, lockedUntil: lockedUntil.toISOString() } : { address },
      });
      throw new DomainError('InvalidCredentials', 'invalid username or password');
    }
    await this.limits.recordSuccess(username);
    await this.audit.append(this.dataSource.manager, { ...subject, action: 'auth.login', actor, payload: { address } });
    const view = toUserView(user);
    const claims: TokenClaims = { sub: view.id, ...view };
    delete (claims as Partial<UserView>).id;
    return { accessToken: await this.jwt.signAsync(claims), user: view };
  }

  /**
   * A pass to the queues' page (the admins' view of the BullMQ queues, opened in a browser tab, where no
   * bearer header goes along): a short-lived token of its own purpose, sent back as an HttpOnly cookie.
   * It is no access token: verify() refuses it, and verifyQueuesPass() refuses an access token.
   */
  async issueQueuesPass(actor: Actor): Promise<{ pass: string; expiresAt: Date }> {
    const pass = await this.jwt.signAsync(
      { sub: actor.id, username: actor.username, purpose: QUEUES_PASS_PURPOSE },
      { expiresIn: `${QUEUES_PASS_SECONDS}s` },
    );
    const { exp } = this.jwt.decode<{ exp: number }>(pass);
    return { pass, expiresAt: new Date(exp * 1000) };
  }

  /** The admin a queues pass names (still an admin now), or null. */
  async verifyQueuesPass(pass: string): Promise<{ id: string; username: string } | null> {
    try {
      const claims = await this.jwt.verifyAsync<{ sub: string; purpose?: string }>(pass);
      if (claims.purpose !== QUEUES_PASS_PURPOSE || typeof claims.sub !== 'string') return null;
      const user = await this.dataSource.getRepository(User).findOneBy({ id: claims.sub });
      return user?.role === 'admin' ? { id: user.id, username: user.username } : null;
    } catch {
      return null;
    }
  }

  /** The actor a bearer token names, or null when the token is missing, forged or expired. */
  async verify(token: string): Promise<Actor | null> {
    const known = this.verified.get(token);
    // Valid while jsonwebtoken would still take it: the same HMAC over the same text gives the same
    // answer until `exp` (its test: now in whole seconds < exp), so only the expiry is checked again.
    if (known && Math.floor(Date.now() / 1000) < known.exp) return { ...known.actor };
    if (known) this.verified.delete(token);
    try {
      const claims = await this.jwt.verifyAsync<TokenClaims & { purpose?: string; exp?: number }>(token);
      if (typeof claims.sub !== 'string' || !ROLES.includes(claims.role) || claims.purpose !== undefined) return null;
      const actor: Actor = {
        id: claims.sub,
        username: claims.username,
        role: claims.role,
        companyUscc: claims.companyUscc,
        departmentCode: claims.departmentCode,
        hallCode: claims.hallCode,
      };
      if (typeof claims.exp === 'number') this.remember(token, actor, claims.exp);
      return actor;
    } catch {
      return null;
    }
  }

  /** Keeps a verified token's actor, dropping the oldest entry once VERIFIED_TOKENS are kept. */
  private remember(token: string, actor: Actor, exp: number): void {
    if (this.verified.size >= VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, { actor, exp });
  }
}
