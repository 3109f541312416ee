/**
 * One run of headroom, wired: configuration, logger, store, AWS session and the targets. The CLI
 * (and later the server) open a context, call the jobs with it, and close it.
 *
 * With no headroom.yaml and no AWS credentials anywhere, the context runs on the built-in
 * sandbox, which the caller starts (only the CLI may import the sandbox) and says so.
 */
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';
import type { Logger } from 'pino';
import { assertProfilesExist, knownProfiles } from '../aws/credentials.js';
import { AwsSession } from '../aws/session.js';
import type { SweepTarget } from '../collect/sweep.js';
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../domain/errors.js';
import { isAccountId, splitTarget, type Target, targetKey } from '../domain/target.js';
import type { InventoryProblem } from '../domain/inventory.js';
import { type Inventory, takeInventory } from '../inventory/index.js';
import { createLogger } from '../logging/logger.js';
import type { Store } from '../storage/port.js';
import { openSqliteStore } from '../storage/sqlite/index.js';

/** What the caller's sandbox gives the context: where it listens and its accounts. */
export interface EmbeddedAws {
  readonly url: string;
  readonly regions: readonly string[];
  readonly accounts: readonly {
    id: string;
    name: string;
    accessKeyId: string;
    secretAccessKey: string;
    management: boolean;
  }[];
  close(): Promise<void>;
}

export interface ContextOptions {
  readonly configPath?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  readonly stderr?: NodeJS.WritableStream;
  /**
   * Starts the embedded sandbox when there is nothing to reach real AWS with; `home` is where it
   * may keep its state between runs.
   */
  readonly startEmbedded?: (home: string) => Promise<EmbeddedAws>;
}

export interface Context {
  readonly config: Config;
  readonly configFile: string | null;
  readonly mode: 'aws' | 'sandbox';
  readonly endpoint: string | undefined;
  readonly logger: Logger;
  readonly store: Store;
  readonly session: AwsSession;
  /** Every target of the inventory (problems aside; see `inventory`). */
  targets(): Promise<SweepTarget[]>;
  /**
   * The inventory: every account found (static config and sources) and its targets, with the
   * problems met; taken once per context unless `refresh` asks the sources and EC2 again.
   */
  inventory(options?: { refresh?: boolean }): Promise<InventoryResult>;
  /**
   * Target arguments as targets: ACCOUNT:REGION, where ACCOUNT is an account id, an account name
   * from the config, or an AWS profile; or an alias. `label` names the argument in errors.
   */
  resolveTargets(specs: readonly string[], label?: string): Promise<SweepTarget[]>;
  close(): Promise<void>;
}

export interface InventoryResult {
  readonly targets: SweepTarget[];
  readonly problems: InventoryProblem[];
  /** The accounts found, with their sources, how they are reached and their regions. */
  readonly accounts: Inventory['accounts'];
}

/** The role the sandbox's member accounts are entered through (Organizations' default). */
const SANDBOX_MEMBER_ROLE = 'OrganizationAccountAccessRole';

/**
 * Whether anything could give AWS credentials: environment keys, a profile, web identity, a
 * container endpoint, a shared config or credentials file with a profile in it. Instance metadata
 * is not probed (it would cost a network timeout on every run off EC2); on EC2 with no config,
 * set `AWS_PROFILE` or write a headroom.yaml.
 */
export async function credentialsConfigured(env: NodeJS.ProcessEnv): Promise<boolean> {
  const set = (name: string) => (env[name] ?? '') !== '';
  if (
    set('AWS_ACCESS_KEY_ID') ||
    set('AWS_PROFILE') ||
    set('HEADROOM_PROFILE') ||
    set('AWS_WEB_IDENTITY_TOKEN_FILE') ||
    set('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI') ||
    set('AWS_CONTAINER_CREDENTIALS_FULL_URI')
  ) {
    return true;
  }
  const files = await loadSharedConfigFiles({ ignoreCache: true }).catch(() => ({
    configFile: {},
    credentialsFile: {},
  }));
  return Object.keys(files.configFile).length > 0 || Object.keys(files.credentialsFile).length > 0;
}

export async function openContext(options: ContextOptions = {}): Promise<Context> {
  const env = options.env ?? process.env;
  const { config, file } = await loadConfig({ path: options.configPath, env, cwd: options.cwd });
  const stderr = options.stderr ?? process.stderr;
  const logging = await createLogger({
    level: config.log.level,
    fileLevel: config.log.fileLevel,
    logDir: join(config.home, 'logs'),
    retentionDays: config.log.retentionDays,
    stderr,
  });
  const { logger } = logging;
  const cleanups: (() => Promise<void>)[] = [() => logging.close()];
  const closeAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const embeddedWanted =
      file === null &&
      config.aws.endpoint === undefined &&
      config.accounts.length === 0 &&
      config.inventory.sources.length === 0 &&
      options.startEmbedded !== undefined &&
      !(await credentialsConfigured(env));
    let embedded: EmbeddedAws | undefined;
    if (embeddedWanted) {
      embedded = await options.startEmbedded(config.home);
      const sandbox = embedded;
      cleanups.push(() => sandbox.close());
      stderr.write(
        `headroom: no headroom.yaml and no AWS credentials found; using the built-in sandbox AWS at ${embedded.url} ` +
          `(${embedded.accounts.length} accounts × ${embedded.regions.length} regions). ` +
          `Write a headroom.yaml or set AWS credentials to use real AWS.\n`,
      );
    }

    await assertProfilesExist([
      ...config.accounts.flatMap((a) =>
        a.profile === undefined ? [] : [{ profile: a.profile, field: `accounts (${a.id}).profile` }],
      ),
      ...(config.aws.profile !== undefined && !embedded
        ? [{ profile: config.aws.profile, field: 'aws.profile' }]
        : []),
    ]);

    const management = embedded?.accounts.find((a) => a.management);
    const accounts = embedded
      ? embedded.accounts.map((a) => ({
          id: a.id,
          name: a.name,
          roleArn: a.management ? undefined : `arn:aws:iam::${a.id}:role/${SANDBOX_MEMBER_ROLE}`,
          profile: undefined,
          externalId: undefined,
          regions: [...embedded.regions],
        }))
      : config.accounts;

    const session = new AwsSession({
      retryMode: config.aws.retryMode,
      maxAttempts: config.aws.maxAttempts,
      maxConcurrency: config.aws.maxConcurrency,
      logger,
      endpoint: embedded?.url ?? config.aws.endpoint,
      profile: embedded ? undefined : config.aws.profile,
      credentials: management
        ? { accessKeyId: management.accessKeyId, secretAccessKey: management.secretAccessKey }
        : undefined,
      roleSessionName: config.aws.roleSessionName,
      accounts: accounts.map((a) => ({
        accountId: a.id,
        profile: a.profile,
        roleArn: a.roleArn,
        externalId: a.externalId,
      })),
    });
    cleanups.push(() => {
      session.close();
      return Promise.resolve();
    });

    const store = await openSqliteStore(join(config.home, embedded ? 'sandbox.sqlite' : 'headroom.sqlite'));
    cleanups.push(() => store.close());

    let taken: Promise<InventoryResult> | undefined;
    const inventory = (options: { refresh?: boolean } = {}): Promise<InventoryResult> => {
      if (taken && options.refresh !== true) return taken;
      const next = takeInventory({
        accounts,
        // The embedded sandbox is its own inventory: its accounts, nothing discovered.
        sources: embedded ? [] : config.inventory.sources,
        regions: config.regions,
        ttlMs: config.inventory.ttlMs,
        refresh: options.refresh === true,
        session,
        store,
        env,
        logger,
      }).then((found) => ({
        targets: found.targets,
        problems: [...found.problems],
        accounts: found.accounts,
      }));
      taken = next;
      // A failed inventory (no credentials at all) is not kept: the next call tries again.
      next.catch(() => {
        if (taken === next) taken = undefined;
      });
      return next;
    };
    const targets = async (): Promise<SweepTarget[]> => (await inventory()).targets;

    // Accounts reached through a profile the config does not name (`profile:region` targets).
    const profileAccounts = new Map<string, string>();
    const accountOf = async (spec: string, account: string, label: string): Promise<string> => {
      const found = (await inventory()).accounts;
      const named = found.find((a) => a.name === account) ?? found.find((a) => a.profile === account);
      if (named) return named.id;
      if (isAccountId(account)) return account;
      const known = profileAccounts.get(account);
      if (known !== undefined) return known;
      if (!embedded && (await knownProfiles()).includes(account)) {
        const id = await session.accountOfProfile(account);
        profileAccounts.set(account, id);
        return id;
      }
      throw new UsageError(`${label} '${spec}': no account, alias or AWS profile is named '${account}'`, {
        hint: `use a 12-digit account id, or one of: ${found.map((a) => a.name ?? a.id).join(', ') || '(no accounts configured)'}`,
      });
    };

    const resolveTargets = async (specs: readonly string[], label = '--target'): Promise<SweepTarget[]> => {
      const all = await targets();
      const chosen = new Map<string, SweepTarget>();
      for (const spec of specs) {
        const aliased = config.aliases[spec];
        const { account, region } = splitTarget(aliased ?? spec, label);
        const accountId = await accountOf(spec, account, label);
        // Only accounts headroom knows how to reach: the base credentials' account when none are
        // configured, else the configured ones, and those of profiles named in a target. Anything
        // else would be read with the wrong credentials and stored under the wrong account.
        const reachable = [...new Set([...all.map((t) => t.target.accountId), ...profileAccounts.values()])];
        if (!reachable.includes(accountId)) {
          throw new UsageError(`${label} '${spec}': account ${accountId} is not configured`, {
            hint: `add it under accounts: in headroom.yaml, or use one of: ${reachable.join(', ')}`,
          });
        }
        const target: Target = { accountId, region };
        const known = all.find((t) => targetKey(t.target) === targetKey(target));
        const name = (await inventory()).accounts.find((a) => a.id === accountId)?.name ?? null;
        chosen.set(targetKey(target), known ?? { target, accountName: name });
      }
      return [...chosen.values()];
    };

    return {
      config,
      configFile: file,
      mode: embedded ? 'sandbox' : 'aws',
      endpoint: session.endpoint,
      logger,
      store,
      session,
      targets,
      inventory,
      resolveTargets,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
