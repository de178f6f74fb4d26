import type { ActorRole, Role } from '#database';
import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { DataSource } from 'typeorm';
import { ROLES_KEY } from '../../apps/api/src/http/decorators.js';
import type { FuzzCase, Sent } from './cases.js';
import { DbFingerprint, type Fingerprint } from './db-fingerprint.js';
import type { OpenApiDocument, Route } from './openapi-arbitraries.js';
import { parameterFault, schemaFault } from './openapi-check.js';
import type { RawResponse } from './raw-http.js';

/** Judging a fuzz case's answer: an error body that says what is wrong, a refusal where one was certain, a database left as it was. */

/** The people's roles: a route without @Roles lets in any of them. */
const PEOPLE: Role[] = ['applicant', 'clerk', 'approver', 'manager', 'admin'];
/** Every caller's role: the people's, and a department's system (`system`, reaching only the routes that name it). */
export const ROLE_NAMES: ActorRole[] = [...PEOPLE, 'system'];

const INTERNAL_WORDS =
  /Cannot read propert|is not a function|is not iterable|Maximum call stack|\bER_[A-Z_]{3,}|QueryFailedError|ECONNREFUSED|\.(js|ts):\d+|internal error/;

const excerpt = (text: string, n = 600) => (text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text);

export const describeCase = (sent: Sent, res?: RawResponse) =>
  [
    `${sent.method} ${excerpt(sent.path, 300)}`,
    `headers ${excerpt(JSON.stringify({ ...sent.headers, authorization: sent.headers.authorization ? '…' : undefined }), 300)}`,
    `body ${sent.body === undefined ? '(none)' : excerpt(sent.body)}`,
    res ? `→ ${res.status} ${excerpt(res.text)}` : '',
  ].join('\n');

/** The roles each route lets in, read from its controller's @Roles() (none: any signed-in person). */
export function rolesOf(app: INestApplication): (operationId: string) => ActorRole[] {
  const rolesByOperation = new Map<string, ActorRole[]>();
  return (operationId) => {
    let roles = rolesByOperation.get(operationId);
    if (!roles) rolesByOperation.set(operationId, (roles = readRoles(app, operationId)));
    return roles;
  };
}

function readRoles(app: INestApplication, operationId: string): ActorRole[] {
  const [controllerName, methodName] = operationId.split('_');
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (type?.name !== controllerName) continue;
      const handler = (type.prototype as Record<string, object>)[methodName];
      const roles = (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, type)) as
        ActorRole[] | undefined;
      return roles && roles.length > 0 ? roles : PEOPLE;
    }
  }
  throw new Error(`no controller for ${operationId}`);
}

/** An error answer is the api's error body, saying what is wrong. */
export function checkErrorBody(res: RawResponse): string | null {
  if (!/^application\/json/.test(String(res.headers['content-type']))) return 'an error that is not JSON';
  let body: { statusCode?: unknown; error?: unknown; message?: unknown };
  try {
    body = JSON.parse(res.text) as typeof body;
  } catch {
    return 'an error body that does not parse';
  }
  if (body.statusCode !== res.status) return `statusCode ${String(body.statusCode)} in a ${res.status} answer`;
  if (typeof body.error !== 'string' || body.error.length === 0) return 'an error without its error name';
  const messages = Array.isArray(body.message) ? body.message : [body.message];
  if (messages.length === 0 || messages.some((m) => typeof m !== 'string' || m.trim().length === 0)) {
    return 'an error without a message';
  }
  // What a fault, not a message written for the client, looks like (echoed input may say anything else).
  if (messages.some((m) => INTERNAL_WORDS.test(m as string))) {
    return `an unclear message: ${JSON.stringify(body.message)}`;
  }
  return null;
}

/**
 * Why a case is certain to be refused, or null when it may be taken (and may write). A guard refuses
 * a missing, forged or wrong role's token (401, 403); the body parser a body that is not JSON, does
 * not inflate or has a key twice (400, 415); validation anything the OpenAPI document's schema for
 * the route does not allow (400). A case certain to be refused, or that only reads, changes nothing:
 * those are checked together, between two fingerprints. One that is answered 2xx fails the run.
 */
export function certainRefusal(
  route: Route,
  c: FuzzCase,
  sent: Sent,
  doc: OpenApiDocument,
  allowedRoles: (operationId: string) => ActorRole[],
): string | null {
  if (route.secured) {
    const allowed =
      allowedRoles(route.operationId).length === ROLE_NAMES.length || (c.auth.kind === 'role' && c.auth.allowed);
    if (c.auth.kind !== 'role' || !allowed) return 'no token of a role the route allows';
  }
  if (sent.duplicateKey) return 'a key twice in the body';
  const type = sent.headers['content-type'];
  const encoding = sent.headers['content-encoding'];
  if (route.multipart) {
    // The upload reads the bytes itself: only a body that is not multipart at all is sure to be refused.
    if (typeof type !== 'string' || !/^\s*multipart\/form-data\s*(;|$)/i.test(type))
      return 'an upload that is not multipart';
    if (encoding !== undefined && String(encoding).trim().toLowerCase() !== 'identity')
      return `an upload sent ${String(encoding)}`;
  } else if (sent.body) {
    if (typeof type !== 'string' || !/^\s*application\/json\s*(;|$)/i.test(type)) return 'a body that is not JSON';
    if (encoding !== undefined && encoding !== 'identity') return `a body that is not ${String(encoding)}`;
  }
  for (const p of route.parameters) {
    if (p.in === 'path') {
      const value = sent.pathValues[p.name];
      const fault = value === null ? 'a malformed path' : parameterFault(p, value);
      if (fault) return fault;
    } else if (p.in === 'header' && p.name === 'Idempotency-Key') {
      const key = sent.headers['idempotency-key'];
      if (Array.isArray(key)) return 'two Idempotency-Keys';
      // The HTTP parser drops the spaces and tabs around a header's value.
      const fault = key === undefined ? null : parameterFault(p, key.replace(/^[ \t]+|[ \t]+$/g, ''));
      if (fault) return fault;
    }
  }
  if (!route.body) return null;
  let body: unknown = {};
  if (sent.body) {
    // As body-parser reads it: UTF-8 (raw bytes went as latin1 text), a byte order mark dropped.
    const text = c.body.kind === 'bytes' ? new TextDecoder().decode(Buffer.from(sent.body, 'latin1')) : sent.body;
    try {
      body = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      return 'a body that does not parse';
    }
  }
  return schemaFault(doc, route.body, body);
}

/** A case answered while only refusals and reads ran: between two fingerprints. */
export interface WindowCase {
  route: Route;
  sent: Sent;
  res: RawResponse;
}

/**
 * What the database may have gained while only refused or reading cases ran: nothing, but for
 * what a failed login records (its auth.login-failed audit event, a new audit chain for an
 * unknown username, the username's count of failures) and the download event of a file that was
 * read (file.downloaded, request.file-downloaded); nothing else.
 */
export async function unexplainedChanges(
  db: DataSource,
  window: WindowCase[],
  before: Fingerprint,
  after: Fingerprint,
): Promise<string[]> {
  const changed = DbFingerprint.changed(before, after);
  if (changed.length === 0) return [];
  const count = (operationId: string, status: (s: number) => boolean) =>
    window.filter((r) => r.route.operationId === operationId && status(r.res.status)).length;
  const explained = {
    'auth.login-failed': count('AuthController_login', (s) => s === 401),
    'request.file-downloaded': count('FilesController_contentOfRequest', (s) => s === 200),
    'file.downloaded': count('FilesController_content', (s) => s === 200),
  };
  const explainable = ['audit_events.max', 'audit_chains.count', 'login_failures.count'];
  if (changed.some((k) => !explainable.includes(k))) return changed;
  if (explained['auth.login-failed'] === 0 && changed.some((k) => k !== 'audit_events.max')) return changed;
  const rows = (await db.query('SELECT action FROM audit_events WHERE id > ?', [before['audit_events.max']])) as {
    action: string;
  }[];
  const seen = new Map<string, number>();
  for (const { action } of rows) seen.set(action, (seen.get(action) ?? 0) + 1);
  const allowed = [...seen].every(
    ([action, n]) => action in explained && n <= explained[action as keyof typeof explained],
  );
  return allowed ? [] : [`audit_events (${rows.map((r) => r.action).join(', ')})`];
}
