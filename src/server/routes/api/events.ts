/**
 * Events from outside (an EventBridge API destination, a pipeline, a script): POST one
 * EventBridge-shaped event and headroom checks it, records it in the audit trail (accepted or
 * rejected, with why) and acts on it under the rules, as `headroom event send` does.
 */
import { createRoute } from '@hono/zod-openapi';
import { EventRejected, eventId, handleEvent, rejectEvent } from '../../../app/events.js';
import { EVENT_BODY_SCHEMA, EventResultSchema, EventsQuerySchema } from '../../api/schemas.js';
import { ApiError } from '../../errors.js';
import type { Caller } from '../../security.js';
import { type ApiDeps, apiApp, errorResponses, jsonResponse } from './shared.js';

const send = createRoute({
  method: 'post',
  path: '/events',
  summary:
    'Handles one event: a threshold exceeded, a usage spike, infrastructure scaling, a DR failover or failback',
  description:
    'The body is the event as EventBridge delivers it (`source`, `detail-type`, `detail`; `id`, `time` and the rest optional); see docs/events.md. A malformed or unknown event is a 400 naming the field, and is recorded in the audit trail as rejected. `dryRun=true` checks it and says what would be done, recording and filing nothing. The actor recorded is `event:` and the caller.',
  tags: ['events'],
  request: {
    query: EventsQuerySchema,
    // A JSON Schema, not zod: documented here, checked by the handler so a refusal is recorded.
    body: { content: { 'application/json': { schema: EVENT_BODY_SCHEMA } }, required: true },
  },
  responses: {
    ...jsonResponse(EventResultSchema, 'What was done, one action per quota touched'),
    ...errorResponses(400, 401, 403, 409),
  },
});

function actorOf(caller: Caller): string {
  return `event:${caller.auth === 'none' ? `${caller.user} (unauthenticated)` : caller.user}`;
}

/** A rejection as the API's error: 400 naming the field, or 409 when the target has nothing stored. */
function apiErrorOf(error: EventRejected): ApiError {
  return new ApiError(
    error.code as `HR_${string}`,
    error.code === 'HR_EVENT_NO_LIMITS' ? 409 : 400,
    error.message,
    {
      field: error.field,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    },
  );
}

export function eventRoutes(deps: ApiDeps) {
  const { ctx, security } = deps;
  return apiApp().openapi(send, async (c) => {
    const { dryRun = false } = c.req.valid('query');
    const options = { actor: actorOf(security.callerOf(c)), dryRun };
    const text = await c.req.text();
    try {
      let input: unknown;
      try {
        input = JSON.parse(text) as unknown;
      } catch (error) {
        const problem = `body is not JSON (${(error as Error).message})`;
        return await rejectEvent(ctx, eventId(undefined), text, new EventRejected('body', problem), options);
      }
      const result = await handleEvent(ctx, input, options);
      return c.json({ ...result, actions: [...result.actions] }, 200);
    } catch (error) {
      throw error instanceof EventRejected ? apiErrorOf(error) : error;
    }
  });
}
