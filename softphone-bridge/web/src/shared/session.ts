/** The login of one page (kept in sessionStorage: it ends with the browser tab) and the login form. */
import { api } from './api.js';
import { h } from './dom.js';

export interface Session {
  token: string;
  role: 'agent' | 'supervisor' | 'admin' | 'editor';
  agentId: number;
  name: string;
  endpoint: string | null;
  login: string;
}

export function loadSession(key: string): Session | null {
  try {
    const text = sessionStorage.getItem(key);
    return text ? (JSON.parse(text) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(key: string, session: Session): void {
  sessionStorage.setItem(key, JSON.stringify(session));
}

export function clearSession(key: string): void {
  sessionStorage.removeItem(key);
}

/** Ends the login on the server too (its token stops working at once); the page does not wait for it. */
export function endSession(token: string): void {
  api('POST', '/api/v1/auth/logout', { token }).catch(() => undefined);
}

/** `1003` → `PJSIP/1003`; a full dial string is kept. Empty: none. */
export function endpointOf(input: string): string | undefined {
  const value = input.trim();
  if (!value) return undefined;
  return value.includes('/') ? value : `PJSIP/${value}`;
}

export interface LoginFormOptions {
  title: string;
  /** Roles allowed on this page, and what to say to anybody else. */
  roles: Session['role'][];
  wrongRole: string;
  /** Label of the optional phone field, or null for none. */
  endpointLabel: string | null;
  endpointHint?: string;
  onLogin(session: Session): void;
}

export function loginForm(options: LoginFormOptions): HTMLElement {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const endpoint = h('input', { name: 'endpoint', placeholder: options.endpointHint ?? '', 'data-testid': 'login-endpoint' });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'login-error' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-submit' }, '登录');
  const form = h(
    'form',
    { class: 'login card' },
    h('h1', null, options.title),
    h('label', null, '工号', username),
    h('label', null, '密码', password),
    options.endpointLabel ? h('label', null, options.endpointLabel, endpoint) : null,
    error,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    const seat = options.endpointLabel ? endpointOf(endpoint.value) : undefined;
    api<Omit<Session, 'login'>>('POST', '/api/v1/auth/login', {
      body: { username: username.value.trim(), password: password.value, ...(seat ? { endpoint: seat } : {}) },
    })
      .then((reply) => {
        if (!options.roles.includes(reply.role)) {
          error.textContent = options.wrongRole;
          return;
        }
        options.onLogin({ ...reply, login: username.value.trim() });
      })
      .catch((e: unknown) => {
        error.textContent = e instanceof Error ? e.message : String(e);
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
