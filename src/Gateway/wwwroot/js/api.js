// The gateway's HTTP API (SPEC §3), as the dashboard calls it. The API is the single source of truth: this module
// adds no rules of its own, it only spells the routes once and turns problem+json answers into ApiError.
//
// Authentication is the HttpOnly session cookie that POST /agent/login sets; no token is ever kept in script,
// localStorage or sessionStorage. Cookie-authenticated unsafe requests must carry X-Requested-With (the gateway's
// CookieCsrfMiddleware refuses them otherwise), so every non-GET call sends it.

const BASE = '/api/v1';
const CSRF_HEADER = 'X-Requested-With';

/** An answer other than 2xx. `problem` is the RFC 7807 body when the gateway sent one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem ?? null;
  }

  /** Field errors of a validation problem, as "field: message" lines. */
  get fieldMessages() {
    const errors = this.problem?.errors ?? {};
    return Object.entries(errors).flatMap(([field, messages]) => messages.map((m) => `${field}: ${m}`));
  }
}

let unauthorizedHandler = () => {};
let clockOffsetMs = 0;

/** Called once when any call answers 401 (the session ended); the app shows the sign-in form again. */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

/**
 * The server's idea of "now". Lease countdowns and ages are computed against the gateway's clock (from the Date
 * header), so an agent whose laptop clock is off still sees the right time left.
 */
export function serverNow() {
  return Date.now() + clockOffsetMs;
}

function trackClock(response) {
  const date = Date.parse(response.headers.get('Date') ?? '');
  if (!Number.isNaN(date)) {
    // Kestrel caches the header and truncates it to the second, so it lags by up to 2 s: only a real skew counts.
    const offset = date - Date.now();
    if (Math.abs(offset - clockOffsetMs) > 5000) {
      clockOffsetMs = offset;
    }
  }
}

async function request(method, path, body, { signal, quiet401 = false } = {}) {
  const headers = { Accept: 'application/json, application/problem+json' };
  if (method !== 'GET') {
    headers[CSRF_HEADER] = 'XMLHttpRequest';
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(BASE + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    cache: 'no-store',
    signal,
  });
  trackClock(response);
  const text = response.status === 204 ? '' : await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { title: text.slice(0, 200) };
    }
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !quiet401) {
      unauthorizedHandler(error);
    }
    throw error;
  }
  return data;
}

const seg = encodeURIComponent;

function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export const api = {
  /** Signs in; the gateway sets the session cookie. The access token in the body is deliberately dropped. */
  async login(agentId, password) {
    const answer = await request('POST', '/agent/login', { agentId, password }, { quiet401: true });
    return { expiresIn: answer.expiresIn };
  },
  logout: () => request('POST', '/agent/logout', undefined, { quiet401: true }),
  /** The calling agent: { agentId, roles, claimedCases, claimedAppeals, ... }. */
  me: ({ quiet401 = false } = {}) => request('GET', '/agent/me', undefined, { quiet401 }),

  queue: (signal) => request('GET', '/agent/queue', undefined, { signal }),
  /** The claimed case, or null when there is nothing to claim (204). */
  claimNextCase: () => request('POST', '/agent/claims'),
  getCase: (caseId) => request('GET', `/cases/${seg(caseId)}`),
  renewLease: (caseId) => request('POST', `/cases/${seg(caseId)}/renew`),
  releaseCase: (caseId) => request('POST', `/cases/${seg(caseId)}/release`),
  decideCase: (caseId, decision) => request('POST', `/cases/${seg(caseId)}/decision`, decision),
  revealReporters: (caseId, why) => request('POST', `/cases/${seg(caseId)}/reporters/reveal`, { why }),

  /** The claimed appeal with its original case, or null when none is waiting (204). */
  claimNextAppeal: () => request('POST', '/agent/appeals/claims'),
  /** An appeal the caller holds (409 when they do not), e.g. to show it again after a reload. */
  getHeldAppeal: (appealId) => request('GET', `/appeals/${seg(appealId)}`),
  releaseAppeal: (appealId) => request('POST', `/appeals/${seg(appealId)}/release`),
  decideAppeal: (appealId, outcome, response) => request('POST', `/appeals/${seg(appealId)}/decision`, { outcome, response }),

  userHistory: (userId) => request('GET', `/users/${seg(userId)}/history`),
  audit: ({ caseId, userId, agentId, limit }) => request('GET', `/audit${query({ caseId, userId, agentId, limit })}`),
  transparency: (from, to) => request('GET', `/reports/transparency${query({ from, to })}`),

  /** Admins: { agents: [{ agentId, roles, disabled, createdAt, claimedCases, claimedAppeals }] }. */
  listAgents: () => request('GET', '/agents'),
  createAgent: (agentId, password, roles) => request('POST', '/agents', { agentId, password, roles }),
  updateAgent: (agentId, changes) => request('PATCH', `/agents/${seg(agentId)}`, changes),
};
