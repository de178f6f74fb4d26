import createClient, { type Middleware } from 'openapi-fetch';
import { currentLang } from '../i18n';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type RequestView = Schemas['RequestDto'];
export type StepView = Schemas['StepDto'];

const TOKEN_KEY = 'one-thing.token';
/**
 * The session's token lives in memory and in sessionStorage: readable by this origin's scripts only,
 * gone when the tab closes, never in a cookie or a URL.
 */
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
export const getToken = () => token;
export function setToken(next: string | null): void {
  token = next;
  if (next) sessionStorage.setItem(TOKEN_KEY, next);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Called when the api answers 401: the session is over, back to the login page. */
let onUnauthorized: () => void = () => undefined;
export const whenUnauthorized = (handler: () => void) => {
  onUnauthorized = handler;
};

const session: Middleware = {
  onRequest({ request }) {
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    request.headers.set('Accept-Language', currentLang());
    return request;
  },
  onResponse({ response, request }) {
    if (response.status === 401 && !request.url.endsWith('/auth/login')) {
      setToken(null);
      onUnauthorized();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '' });
api.use(session);

interface ApiErrorBody {
  statusCode?: number;
  code?: string;
  message?: string | string[];
  error?: string;
}

/** An error the api returned, in the person's words (its message), never as raw JSON. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | undefined,
  ) {
    const message = body?.message;
    super(Array.isArray(message) ? message.join('；') : (message ?? `HTTP ${status}`));
  }
}

/** The data of an openapi-fetch answer, or an ApiError to show. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response.status, result.error as ApiErrorBody | undefined);
  }
  return result.data as T;
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A new Idempotency-Key for one opening of an action's form: resubmitting it never acts twice. */
export const newIdempotencyKey = () => crypto.randomUUID();

/**
 * Uploads one material's file (multipart, as POST /files takes it): for the applicant's own company,
 * or for the company a clerk names (代办).
 */
export async function uploadFile(file: File, companyUscc?: string): Promise<Schemas['FileDto']> {
  const body = new FormData();
  body.append('file', file, file.name);
  const query = companyUscc ? `?companyUscc=${encodeURIComponent(companyUscc)}` : '';
  const response = await fetch(`/api/v1/files${query}`, {
    method: 'POST',
    body,
    headers: { Authorization: `Bearer ${token ?? ''}`, 'Accept-Language': currentLang() },
  });
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, json as ApiErrorBody);
  return json as Schemas['FileDto'];
}

/** Downloads a report (CSV or XLSX) with the session's token and saves it under its file name. */
export async function download(path: string, query: Record<string, string | undefined>, fallbackName: string) {
  const search = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => !!e[1]));
  const response = await fetch(`${path}?${search}`, {
    headers: { Authorization: `Bearer ${token ?? ''}`, 'Accept-Language': currentLang() },
  });
  if (!response.ok) throw new ApiError(response.status, (await response.json().catch(() => undefined)) as ApiErrorBody);
  const disposition = response.headers.get('content-disposition') ?? '';
  // The UTF-8 name (filename*) when the answer gives one: a material's name is often Chinese.
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const name = utf8 ? decodeURIComponent(utf8) : (/filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
