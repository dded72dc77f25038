import { $ } from './dom';

/** Where the page keeps the bearer token a person typed (for this tab only). */
const TOKEN_KEY = 'omnirelay.dashboard.token';

function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Remembers the token typed into the page's form. */
export function storeToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

/** Request headers: the accepted type and, when one was given, the bearer token. */
export function headers(accept: string): Record<string, string> {
  const h: Record<string, string> = { accept };
  const t = token();
  if (t) h.authorization = `Bearer ${t}`;
  return h;
}

/** Shows the token form (the host answered 401 or 403). */
export function needToken(): void {
  $('token-form').classList.add('shown');
}

/** Hides the token form (a read succeeded). */
export function tokenAccepted(): void {
  $('token-form').classList.remove('shown');
}

/** Whether the page waits for a token. */
export function waitingForToken(): boolean {
  return $('token-form').classList.contains('shown');
}

/** Whether an answer asks for credentials; if so, the token form is shown. */
export function refused(response: Response): boolean {
  if (response.status !== 401 && response.status !== 403) return false;
  needToken();
  return true;
}
