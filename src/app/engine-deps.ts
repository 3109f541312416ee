/** What the engine's modules need from a Context: the store, the AWS session, the logger, the config. */
import type { EngineDeps } from '../engine/actions.js';
import type { Context } from './context.js';

export function engineDeps(ctx: Context): EngineDeps {
  return { store: ctx.store, session: ctx.session, logger: ctx.logger, config: ctx.config };
}
