/**
 * The dashboard's client for headroom's JSON API (`/api/v1`, same origin). One typed function per
 * endpoint and one error class: every failure, from the server or the network, becomes an
 * ApiError carrying the API's code, message, hint and field, so pages show them one way.
 *
 * The types come from the server's schemas, imported for their types only: nothing of the server
 * is bundled, and a change of shape there fails the dashboard's typecheck here.
 */
import type {
  ApiErrorBody,
  ApplyRequest,
  ApplyResponse,
  ApprovalResponse,
  ApprovalsResponse,
  ApproveResponse,
  AuditResponse,
  AuditVerifyResponse,
  ClearRequest,
  ClearResponse,
  CompareResponse,
  FleetResponse,
  ForecastJson,
  HistoryResponse,
  PlanRequest,
  PlanResponse,
  RefreshResponse,
  RequestResponse,
  RequestsResponse,
  Session,
  TargetQuotasResponse,
  TargetsResponse,
} from '../../src/server/api/schemas';

export type {
  ApplyResponse,
  ApprovalResponse,
  ApprovalsResponse,
  ApproveResponse,
  AuditResponse,
  AuditVerifyResponse,
  CompareResponse,
  FleetResponse,
  ForecastJson,
  HistoryResponse,
  PlanResponse,
  RequestResponse,
  RequestsResponse,
  Session,
  TargetQuotasResponse,
  TargetsResponse,
};
export type {
  ApplyResultJson,
  ApprovalJson,
  AuditEntryJson,
  CompareRowJson,
  FleetTarget,
  ItemResultJson,
  PlanJson,
  QuotaRowJson,
  RequestRecordJson,
  TargetInfo,
} from '../../src/server/api/schemas';

export type RequestStatus = RequestRecordJson['status'];
type RequestRecordJson = RequestsResponse['requests'][number];
export type ApprovalStatus = ApprovalsResponse['approvals'][number]['status'];
export type AuditKind = AuditResponse['entries'][number]['kind'];

export class ApiError extends Error {
  /** The HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  readonly field: string | undefined;

  constructor(status: number, body: ApiErrorBody['error']) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.hint = body.hint;
    this.field = body.field;
  }
}

const API = '/api/v1';

/** The session's parts the client needs on later calls; set by getSession(). */
let csrfToken: string | null = null;
let auth: Session['auth'] | null = null;

type QueryValue = string | number | boolean | readonly string[] | null | undefined;

/** A query string from the set values only: empty strings and empty lists are left out. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length > 0) search.set(name, value.join(','));
    } else {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** One path segment; a target's `:` stays readable in the server's logs (it is legal in a path). */
export function segment(text: string): string {
  return encodeURIComponent(text).replaceAll('%3A', ':');
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    'message' in error &&
    typeof error.code === 'string' &&
    typeof error.message === 'string'
  );
}

async function call<T>(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; signal?: AbortSignal | undefined; retried?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method === 'POST') {
    headers['Content-Type'] = 'application/json';
    // The server refuses a POST without the session's token: a page on another origin cannot read it.
    if (csrfToken === null) await getSession().catch(() => undefined);
    if (csrfToken !== null) headers['X-CSRF-Token'] = csrfToken;
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    throw new ApiError(0, {
      code: 'HR_WEB_UNREACHABLE',
      message: 'cannot reach the headroom server',
      hint: 'check that `headroom serve` is running, then try again',
    });
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body as T;
  const error = new ApiError(
    response.status,
    isErrorBody(body)
      ? body.error
      : {
          code: `HR_HTTP_${response.status}`,
          message: `the server answered ${response.status} ${response.statusText}`.trim(),
        },
  );
  if (response.status === 401 && auth !== 'basic') {
    // Signed out: the server's sign-in page signs in again and comes back here. Basic
    // authentication is the browser's own prompt instead.
    const here = window.location.pathname + window.location.search;
    window.location.assign(`/login?next=${encodeURIComponent(here)}`);
  }
  if (
    error.code === 'HR_API_CSRF' &&
    error.field?.toLowerCase() === 'x-csrf-token' &&
    options.retried !== true
  ) {
    // The server restarted (its tokens with it) since the session was read: read it again, once.
    csrfToken = null;
    return call<T>(method, path, { ...options, retried: true });
  }
  throw error;
}

export async function getSession(signal?: AbortSignal): Promise<Session> {
  const session = await call<Session>('GET', `${API}/session`, { signal });
  csrfToken = session.csrfToken;
  auth = session.auth;
  return session;
}

/** Ends a token sign-in's session cookie; the server's sign-in page follows. */
export async function signOut(): Promise<void> {
  await call<unknown>('POST', '/logout').catch(() => undefined);
  window.location.assign('/login');
}

export function getTargets(signal?: AbortSignal): Promise<TargetsResponse> {
  return call('GET', `${API}/targets`, { signal });
}

export interface FleetFilters {
  threshold: number;
  account: string;
  region: string;
  service: string;
  q: string;
}

export function getFleet(filters: FleetFilters, signal?: AbortSignal): Promise<FleetResponse> {
  return call('GET', `${API}/fleet${queryString({ ...filters })}`, { signal });
}

export function getTargetQuotas(target: string, signal?: AbortSignal): Promise<TargetQuotasResponse> {
  return call('GET', `${API}/targets/${segment(target)}/quotas`, { signal });
}

export interface HistoryParams {
  /** How far back, as a duration such as `7d`. */
  since: string;
  /** Also forecast this far ahead (`1d`, `14d`); without it the response's forecast is null. */
  forecast?: string | undefined;
}

export function getHistory(
  target: string,
  service: string,
  code: string,
  params: HistoryParams,
  signal?: AbortSignal,
): Promise<HistoryResponse> {
  const path = `${API}/targets/${segment(target)}/quotas/${segment(service)}/${segment(code)}`;
  const query = queryString({ since: params.since, forecast: params.forecast });
  return call('GET', `${path}/history${query}`, { signal });
}

export interface CompareParams {
  source: string;
  destination: string;
  services: readonly string[];
  suppressDefaults: boolean;
  refresh: boolean;
}

export function getCompare(params: CompareParams, signal?: AbortSignal): Promise<CompareResponse> {
  const query = queryString({
    source: params.source,
    destination: params.destination,
    service: params.services,
    suppressDefaults: params.suppressDefaults,
    refresh: params.refresh,
  });
  return call('GET', `${API}/compare${query}`, { signal });
}

export function createPlan(request: PlanRequest): Promise<PlanResponse> {
  return call('POST', `${API}/plans`, { body: request });
}

export function applyPlan(request: ApplyRequest): Promise<ApplyResponse> {
  return call('POST', `${API}/plans/apply`, { body: request });
}

export function getRequests(
  params: { status: readonly RequestStatus[]; refresh: boolean },
  signal?: AbortSignal,
): Promise<RequestsResponse> {
  return call('GET', `${API}/requests${queryString({ status: params.status, refresh: params.refresh })}`, {
    signal,
  });
}

export function getRequest(id: string, signal?: AbortSignal): Promise<RequestResponse> {
  return call('GET', `${API}/requests/${segment(id)}`, { signal });
}

export function refreshCache(target: string): Promise<RefreshResponse> {
  return call('POST', `${API}/cache/refresh`, { body: { target } });
}

export function clearCache(request: ClearRequest): Promise<ClearResponse> {
  return call('POST', `${API}/cache/clear`, { body: request });
}

export function getApprovals(
  params: { status: readonly ApprovalStatus[] },
  signal?: AbortSignal,
): Promise<ApprovalsResponse> {
  return call('GET', `${API}/approvals${queryString({ status: params.status })}`, { signal });
}

export function getApproval(id: string, signal?: AbortSignal): Promise<ApprovalResponse> {
  return call('GET', `${API}/approvals/${segment(id)}`, { signal });
}

/** Approves and carries the action out; the reason is optional. */
export function approveApproval(id: string, reason: string): Promise<ApproveResponse> {
  return call('POST', `${API}/approvals/${segment(id)}/approve`, {
    body: reason.trim() === '' ? {} : { reason: reason.trim() },
  });
}

/** Denies, with the reason the server requires. */
export function denyApproval(id: string, reason: string): Promise<ApprovalResponse> {
  return call('POST', `${API}/approvals/${segment(id)}/deny`, { body: { reason } });
}

export function getAudit(
  params: { kinds: readonly AuditKind[]; limit: number },
  signal?: AbortSignal,
): Promise<AuditResponse> {
  return call('GET', `${API}/audit${queryString({ kind: params.kinds, limit: params.limit })}`, { signal });
}

export function verifyAudit(signal?: AbortSignal): Promise<AuditVerifyResponse> {
  return call('GET', `${API}/audit/verify`, { signal });
}

/** Any thrown value as an ApiError, so an error state always has a message to show. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, {
    code: 'HR_WEB_UNEXPECTED',
    message: error instanceof Error ? error.message : String(error),
  });
}
