/**
 * The JSON API under `/api/v1`: what the dashboard calls, and what scripts may call, each route
 * the same function the CLI calls. Input is validated against the schemas in ../../api/schemas.ts
 * (a failure names the field), and the OpenAPI document is generated from the same schemas.
 */
import { createRoute } from '@hono/zod-openapi';
import { SessionSchema } from '../../api/schemas.js';
import { approvalRoutes } from './approvals.js';
import { cacheRoutes } from './cache.js';
import { compareRoutes } from './compare.js';
import { eventRoutes } from './events.js';
import { requestRoutes } from './requests.js';
import { type ApiDeps, apiApp, errorResponses, jsonResponse } from './shared.js';
import { targetRoutes } from './targets.js';

export type { ApiDeps } from './shared.js';

export const API_BASE = '/api/v1';

const session = createRoute({
  method: 'get',
  path: '/session',
  summary: 'Who is calling, how they signed in, and the CSRF token POST calls must send',
  tags: ['session'],
  responses: { ...jsonResponse(SessionSchema, 'The session'), ...errorResponses(401) },
});

export function apiRoutes(deps: ApiDeps) {
  const api = apiApp();
  api.openapi(session, (c) => {
    const caller = deps.security.callerOf(c);
    return c.json(
      {
        mode: deps.ctx.mode,
        auth: caller.auth,
        user: caller.user,
        csrfToken: deps.security.csrfTokenOf(caller),
        version: deps.version,
      },
      200,
    );
  });
  api.route('/', targetRoutes(deps));
  api.route('/', compareRoutes(deps));
  api.route('/', requestRoutes(deps));
  api.route('/', cacheRoutes(deps));
  api.route('/', approvalRoutes(deps));
  api.route('/', eventRoutes(deps));
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  api.openAPIRegistry.registerComponent('securitySchemes', 'basic', { type: 'http', scheme: 'basic' });
  api.doc31('/openapi.json', documentConfig(deps.version));
  return api;
}

function documentConfig(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'headroom API',
      version,
      description:
        'The JSON API of `headroom serve`. With serve.auth configured, every call needs `Authorization: Bearer <token>` or basic authentication (or the dashboard’s session cookie). POST calls made with a cookie, basic authentication or no authentication must send `X-CSRF-Token` (from GET /session). Errors are `{error: {code, message, hint, field}}`.',
    },
    servers: [{ url: API_BASE }],
    security: [{ bearer: [] }, { basic: [] }] as Record<string, string[]>[],
  };
}

/**
 * The OpenAPI document alone (docs/openapi.json, written by scripts/build-docs.ts): the routes
 * are declared with dependencies they never reach, since no request is served.
 */
export function apiDocument(version: string): unknown {
  const unreachable = new Proxy(
    {},
    {
      get() {
        throw new Error('apiDocument: the routes were declared only to be described');
      },
    },
  ) as never;
  return apiRoutes({
    ctx: unreachable,
    security: unreachable,
    refreshTargets: unreachable,
    version,
  }).getOpenAPI31Document(documentConfig(version));
}
