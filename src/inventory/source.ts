/**
 * What every account source shares: the settings it is given, what it returns, and how a whole
 * source fails. A source finds accounts; the inventory (index.ts) caches, merges and reports.
 */
import type { Logger } from 'pino';
import type { AwsSession } from '../aws/session.js';
import type { Config } from '../config/schema.js';
import type { DiscoveredAccount, InventoryProblem } from '../domain/inventory.js';

export type SourceConfig = Config['inventory']['sources'][number];
export type ProfilesSourceConfig = Extract<SourceConfig, { type: 'profiles' }>;
export type OrganizationsSourceConfig = Extract<SourceConfig, { type: 'organizations' }>;
export type SqlSourceConfig = Extract<SourceConfig, { type: 'sql' }>;

/** What a source may use: AWS through the run's session, the environment (for secrets only), logs. */
export interface SourceContext {
  readonly session: AwsSession;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  /** The profiles in the shared AWS config and credentials files. */
  readonly knownProfiles: () => Promise<string[]>;
}

export interface Fetched {
  readonly accounts: DiscoveredAccount[];
  /** Parts that failed (a row, a profile); the rest is in `accounts`. */
  readonly problems: InventoryProblem[];
  /**
   * False when a part failed for a reason that may pass (a profile's credentials): the result is
   * used but not cached, so the next run asks again.
   */
  readonly complete: boolean;
}

/** A whole source failed: nothing it found can be used. One line, with the fix. */
export class SourceFailure extends Error {
  readonly code: `HR_INVENTORY_${string}`;
  readonly hint: string | undefined;

  constructor(code: `HR_INVENTORY_${string}`, message: string, hint?: string) {
    super(message);
    this.name = 'SourceFailure';
    this.code = code;
    this.hint = hint;
  }
}
