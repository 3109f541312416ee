/** Increase requests and Support cases headroom filed, their statuses refreshed from AWS. */
import { createRoute } from '@hono/zod-openapi';
import { listRequests, showRequest } from '../../../app/requests.js';
import { InputError } from '../../../domain/errors.js';
import type { RequestStatus } from '../../../domain/request.js';
import {
  RequestParamSchema,
  RequestResponseSchema,
  RequestsQuerySchema,
  RequestsResponseSchema,
} from '../../api/schemas.js';
import { ApiError } from '../../errors.js';
import {
  type ApiDeps,
  apiApp,
  configuredTarget,
  errorResponses,
  jsonResponse,
  requestJson,
} from './shared.js';

const list = createRoute({
  method: 'get',
  path: '/requests',
  summary: 'Recorded requests, newest first, their statuses read from AWS first',
  description:
    'Open requests are read with one history listing per target (not one call per request); `refresh=false` reads only the store.',
  tags: ['requests'],
  request: { query: RequestsQuerySchema },
  responses: {
    ...jsonResponse(RequestsResponseSchema, 'The requests'),
    ...errorResponses(400, 401, 404),
  },
});

const one = createRoute({
  method: 'get',
  path: '/requests/{id}',
  summary: 'One request (by headroom’s or AWS’s id) with its trail of status changes',
  tags: ['requests'],
  request: { params: RequestParamSchema },
  responses: {
    ...jsonResponse(RequestResponseSchema, 'The request and its events, oldest first'),
    ...errorResponses(400, 401, 404),
  },
});

export function requestRoutes(deps: ApiDeps) {
  const { ctx } = deps;
  return apiApp()
    .openapi(list, async (c) => {
      const query = c.req.valid('query');
      const target =
        query.target === undefined ? undefined : await configuredTarget(ctx, query.target, 'target');
      const { requests, refresh } = await listRequests(
        ctx,
        {
          ...(query.status === undefined ? {} : { statuses: query.status as RequestStatus[] }),
          ...(target === undefined ? {} : { target: target.target }),
          ...(query.plan === undefined ? {} : { planId: query.plan }),
        },
        { refresh: query.refresh ?? true },
      );
      return c.json(
        {
          requests: requests.map(requestJson),
          refreshed: refresh !== null,
          changes: refresh?.changes.length ?? 0,
          warnings: [...(refresh?.warnings ?? [])],
        },
        200,
      );
    })
    .openapi(one, async (c) => {
      const { id } = c.req.valid('param');
      try {
        const { request, events } = await showRequest(ctx, id, { refresh: true });
        return c.json(
          {
            request: requestJson(request),
            events: events.map((e) => ({ at: e.at.toISOString(), status: e.status, message: e.message })),
          },
          200,
        );
      } catch (error) {
        if (error instanceof InputError && error.code === 'HR_REQUEST_NOT_FOUND') {
          throw new ApiError('HR_REQUEST_NOT_FOUND', 404, error.message, {
            field: 'id',
            hint: 'GET /api/v1/requests lists them; ids are hr-… or AWS request ids',
          });
        }
        throw error;
      }
    });
}
