/** A small JSON client for the admin API in tests: log in, call with a bearer token, read the answer. */
import { expect } from 'vitest';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  contentType: string;
}

export interface ErrorBody {
  error: string;
  details?: { field: string; in?: string; menu?: string; message: string }[];
}

export async function api<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; rawBody?: string } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(path, baseUrl), { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: body as T, contentType: response.headers.get('content-type') ?? '' };
}

export async function login(baseUrl: string, username: string, password = 'demo'): Promise<string> {
  const answer = await api<{ token: string }>(baseUrl, 'POST', '/api/v1/auth/login', { body: { username, password } });
  expect(answer.status, `login ${username}`).toBe(200);
  return answer.body.token;
}

/** A client bound to one server and one login. */
export function client(baseUrl: string, token: string | null) {
  return <T = unknown>(method: string, path: string, body?: unknown) => api<T>(baseUrl, method, path, { token, body });
}
