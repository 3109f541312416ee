/** What is cached per target: read one target again now, or forget what is cached. */
import { createRoute } from '@hono/zod-openapi';
import { clearCache } from '../../../app/quotas.js';
import { targetKey } from '../../../domain/target.js';
import {
  ClearRequestSchema,
  ClearResponseSchema,
  RefreshRequestSchema,
  RefreshResponseSchema,
} from '../../api/schemas.js';
import { ApiError } from '../../errors.js';
import {
  type ApiDeps,
  apiApp,
  cacheOf,
  configuredTarget,
  errorResponses,
  jsonResponse,
  targetInfo,
} from './shared.js';

const refresh = createRoute({
  method: 'post',
  path: '/cache/refresh',
  summary: 'Reads one target’s limits and usage from AWS again, bypassing the cache',
  tags: ['cache'],
  request: { body: { content: { 'application/json': { schema: RefreshRequestSchema } }, required: true } },
  responses: {
    ...jsonResponse(RefreshResponseSchema, 'The target as now cached, and what could not be read'),
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const clear = createRoute({
  method: 'post',
  path: '/cache/clear',
  summary: 'Forgets cached limits and usage, of one target or all (usage history stays unless asked)',
  tags: ['cache'],
  request: { body: { content: { 'application/json': { schema: ClearRequestSchema } }, required: true } },
  responses: {
    ...jsonResponse(ClearResponseSchema, 'How many snapshots were removed'),
    ...errorResponses(400, 401, 403, 404),
  },
});

export function cacheRoutes(deps: ApiDeps) {
  const { ctx } = deps;
  return apiApp()
    .openapi(refresh, async (c) => {
      const body = c.req.valid('json');
      const target = await configuredTarget(ctx, body.target, 'target');
      const result = await deps.refreshTargets([target]);
      if (result === 'busy') {
        throw new ApiError('HR_API_BUSY', 409, `target ${targetKey(target.target)} is being read already`, {
          field: 'target',
          hint: 'wait for that sweep to finish; it stores what it reads',
        });
      }
      const errors = result.targets.flatMap((r) => r.errors.map((e) => e.message));
      return c.json({ target: targetInfo(target, await cacheOf(ctx, target.target)), errors }, 200);
    })
    .openapi(clear, async (c) => {
      const body = c.req.valid('json');
      const targets =
        body.target === undefined ? undefined : [await configuredTarget(ctx, body.target, 'target')];
      const removed = await clearCache(ctx, { targets, history: body.history ?? false });
      return c.json({ removed }, 200);
    });
}
