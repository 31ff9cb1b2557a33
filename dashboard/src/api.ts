// HTTP to vigil: JSON in and out, the CSRF header on every state-changing request (the token comes with the
// sign-in answer and GET /api/me), and one place that notices when the sign-in is gone (401).
import type { Me } from './types.js';

export const CSRF_HEADER = 'x-vigil-csrf';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;
const signedOutListeners = new Set<() => void>();

/** Called whenever an API answer says nobody is signed in (any 401 outside the sign-in itself). */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export function rememberCsrf(me: Me): void {
  csrfToken = me.csrfToken;
}

interface RequestOptions {
  body?: unknown;
  /** a raw body (e.g. an NDJSON recording) and its content type, instead of JSON */
  raw?: { body: BodyInit; type: string };
  /** a gateway token: Authorization: Bearer (no cookie credential is looked at then) */
  bearer?: string;
  signal?: AbortSignal;
}

async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw.body;
    headers['content-type'] = options.raw.type;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`;
  else if (method !== 'GET' && csrfToken !== undefined) headers[CSRF_HEADER] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) init.body = body;
  if (options.signal !== undefined) init.signal = options.signal;
  return fetch(path, init);
}

async function errorOf(response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const answer: unknown = await response.json();
    if (typeof answer === 'object' && answer !== null) {
      const fields = answer as { message?: unknown; error?: unknown };
      if (typeof fields.message === 'string' && fields.message !== '') message = fields.message;
      else if (typeof fields.error === 'string') message = fields.error;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(response.status, message);
}

/** A request whose answer is JSON; throws ApiError for any status ≥ 400 (and tells listeners about a 401). */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401 && options.bearer === undefined) for (const listener of signedOutListeners) listener();
    throw error;
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const getJson = <T>(path: string, signal?: AbortSignal): Promise<T> => api<T>('GET', path, signal === undefined ? {} : { signal });
export const postJson = <T>(path: string, body: unknown = {}): Promise<T> => api<T>('POST', path, { body });

/** A text answer (a recording). */
export async function getText(path: string): Promise<string> {
  const response = await send('GET', path);
  if (!response.ok) {
    const error = await errorOf(response);
    if (response.status === 401) for (const listener of signedOutListeners) listener();
    throw error;
  }
  return response.text();
}

/** Signs in; resolves to the user, or throws ApiError (401 wrong password, 429 too many attempts). */
export async function signIn(username: string, password: string): Promise<Me> {
  const response = await send('POST', '/api/login', { body: { username, password } });
  if (!response.ok) throw await errorOf(response);
  const me = (await response.json()) as Me;
  rememberCsrf(me);
  return me;
}

/** Who is signed in, or undefined. */
export async function fetchMe(): Promise<Me | undefined> {
  const response = await send('GET', '/api/me');
  if (response.status === 401) return undefined;
  if (!response.ok) throw await errorOf(response);
  const me = (await response.json()) as Me;
  rememberCsrf(me);
  return me;
}

export async function signOut(): Promise<void> {
  await send('POST', '/api/logout').catch(() => undefined);
  csrfToken = undefined;
}

export function sessionPath(id: string, rest = ''): string {
  return `/api/sessions/${encodeURIComponent(id)}${rest}`;
}
