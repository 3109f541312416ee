/**
 * What every API route shares: its dependencies, the OpenAPI app they are declared on (with the
 * validation hook that names the field at fault), target lookup, and JSON conversions.
 */
import { OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context as AppContext } from '../../../app/context.js';
import type { QuotaRow } from '../../../app/quotas.js';
import type { SweepResult, SweepTarget } from '../../../collect/sweep.js';
import { show } from '../../../config/issues.js';
import { HeadroomError } from '../../../domain/errors.js';
import { pathText } from '../../../domain/plan.js';
import type { QuotaRequestRecord } from '../../../domain/request.js';
import { type Target, targetKey } from '../../../domain/target.js';
import type { CacheEntry } from '../../../storage/port.js';
import {
  ApiErrorSchema,
  type QuotaRowJson,
  type RequestRecordJson,
  type TargetInfo,
} from '../../api/schemas.js';
import { ApiError, invalidField } from '../../errors.js';
import type { Security, ServerEnv } from '../../security.js';

export interface ApiDeps {
  readonly ctx: AppContext;
  readonly security: Security;
  /**
   * Reads these targets from AWS again (the cache bypassed), unless a sweep holds one of them
   * already: then `busy`, and nothing is read.
   */
  readonly refreshTargets: (targets: readonly SweepTarget[]) => Promise<SweepResult | 'busy'>;
  readonly version: string;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** An OpenAPI app whose validation failures are one `HR_API_INVALID` naming the first field at fault. */
export function apiApp(): OpenAPIHono<ServerEnv> {
  return new OpenAPIHono<ServerEnv>({
    defaultHook: async (result, c) => {
      if (result.success) return;
      const [issue] = result.error.issues;
      const path = issue?.path ?? [];
      const field = path.length === 0 ? 'body' : pathText(path);
      // What was sent, to echo back (the hook is not given it).
      const sent: unknown =
        result.target === 'query'
          ? c.req.query()
          : result.target === 'param'
            ? c.req.param()
            : result.target === 'json'
              ? await c.req.json().catch(() => undefined)
              : undefined;
      const given = valueAt(sent, path);
      const message = (issue?.message ?? 'is not valid').replace(/^Invalid input: /, '');
      const missing = given === undefined && path.length > 0;
      throw invalidField(field, missing ? `is required (${message})` : `${message} (got ${show(given)})`);
    },
  });
}

/** The API's answer for a target no configured target matches. */
function unknownTarget(field: string, spec: string, known: readonly SweepTarget[]): ApiError {
  return new ApiError('HR_API_TARGET_UNKNOWN', 404, `${field} '${spec}' is not a configured target`, {
    field,
    hint: `use one of ${known
      .slice(0, 5)
      .map((t) => targetKey(t.target))
      .join(', ')}${known.length > 5 ? ', …' : ''} (GET /api/v1/targets lists them)`,
  });
}

/**
 * A configured target from ACCOUNT:REGION (account id or name) or an alias; 404 naming `field`
 * for anything else, so the API never reads a target headroom is not configured to watch.
 */
export async function configuredTarget(ctx: AppContext, spec: string, field: string): Promise<SweepTarget> {
  const known = await ctx.targets();
  let resolved: SweepTarget | undefined;
  try {
    [resolved] = await ctx.resolveTargets([spec], field);
  } catch (error) {
    if (error instanceof HeadroomError && error.exitCode === 2) throw unknownTarget(field, spec, known);
    throw error;
  }
  const found = resolved && known.find((t) => targetKey(t.target) === targetKey(resolved.target));
  if (!found) throw unknownTarget(field, spec, known);
  return found;
}

export function isoOrNull(date: Date | null | undefined): string | null {
  return date ? date.toISOString() : null;
}

export function targetInfo(target: SweepTarget, cache: CacheEntry | undefined): TargetInfo {
  return {
    key: targetKey(target.target),
    accountId: target.target.accountId,
    accountName: target.accountName,
    region: target.target.region,
    quotas: cache?.quotaCount ?? 0,
    limitsAt: isoOrNull(cache?.limitsAt),
    limitsComplete: cache?.limitsComplete ?? null,
    usageValues: cache?.sampleCount ?? 0,
    usageAt: isoOrNull(cache?.usageAt),
    usageSource: cache?.usageSource ?? null,
  };
}

/** What is cached for one target now. */
export async function cacheOf(ctx: AppContext, target: Target): Promise<CacheEntry | undefined> {
  return (await ctx.store.cacheEntries()).find((e) => targetKey(e.target) === targetKey(target));
}

export function quotaRowJson(row: QuotaRow): QuotaRowJson {
  return {
    ...row,
    target: targetKey(row),
    limitsAt: row.limitsAt.toISOString(),
    usageAt: isoOrNull(row.usageAt),
  };
}

export function requestJson(record: QuotaRequestRecord): RequestRecordJson {
  const { target, createdAt, updatedAt, checkedAt, ...rest } = record;
  return {
    ...rest,
    target: targetKey(target),
    accountId: target.accountId,
    region: target.region,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
    checkedAt: isoOrNull(checkedAt),
  };
}

const ERROR_DESCRIPTIONS = {
  400: 'Bad input: `error.field` names the field at fault',
  401: 'Authentication is required (serve.auth); `WWW-Authenticate` says which',
  403: 'Refused: a missing or wrong X-CSRF-Token, a request from another site, or a Host that is not this machine',
  404: 'No such target, request or approval; `error.field` names the parameter',
  409: 'The target is being read already, or the approval was decided already',
  502: 'AWS could not be read',
} as const;

type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** The error answers of a route, for its OpenAPI description. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status],
        content: { 'application/json': { schema: ApiErrorSchema } },
      },
    ]),
  ) as unknown as Record<
    S,
    { description: string; content: { 'application/json': { schema: typeof ApiErrorSchema } } }
  >;
}

/** A JSON answer of a route, for its OpenAPI description. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { 200: { description, content: { 'application/json': { schema } } } };
}
