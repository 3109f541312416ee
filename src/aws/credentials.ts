/**
 * Where each account's credentials come from: the SDK's default chain, a named profile (SSO,
 * `role_arn` and `credential_process` profiles included, as the SDK reads them), or a role
 * assumed into the account from the base credentials. Credentials are resolved once per account
 * and reused until shortly before they expire; they never leave this module except into SDK
 * clients, and are never logged.
 */
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { loadSharedConfigFiles } from '@smithy/core/config';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsError } from '../domain/errors.js';

/** How to act in one account. At most one of `profile` and `roleArn`. */
export interface AccountAccess {
  readonly accountId: string;
  readonly profile?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly externalId?: string | undefined;
}

export interface CredentialOptions {
  /** Base credentials: explicit (the in-process sandbox), else this profile, else the default chain. */
  readonly credentials?: AwsCredentialIdentity | undefined;
  readonly profile?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly roleSessionName: string;
  /** Region STS is called in for assume-role. */
  readonly stsRegion: string;
}

const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/** Caches a provider's result until five minutes before the credentials expire. */
export function memoize(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let cached: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    if (cached) {
      const current = await cached.catch(() => undefined);
      const expiry = current?.expiration?.getTime();
      if (current && (expiry === undefined || expiry - Date.now() > REFRESH_BEFORE_EXPIRY_MS)) return current;
    }
    const next = provider();
    cached = next;
    next.catch(() => {
      if (cached === next) cached = undefined;
    });
    return next;
  };
}

/** The profiles in ~/.aws/config and ~/.aws/credentials, sorted. */
export async function knownProfiles(): Promise<string[]> {
  const files = await loadSharedConfigFiles({ ignoreCache: true }).catch(() => ({
    configFile: {},
    credentialsFile: {},
  }));
  return [...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)])].sort();
}

/**
 * Fails with one line for the first named profile that is in neither ~/.aws/config nor
 * ~/.aws/credentials. The files are read once for every profile asked about.
 */
export async function assertProfilesExist(
  wanted: readonly { profile: string; field: string }[],
): Promise<void> {
  if (wanted.length === 0) return;
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  const missing = wanted.find(
    ({ profile }) => !(profile in files.configFile || profile in files.credentialsFile),
  );
  if (!missing) return;
  const known = [
    ...new Set([...Object.keys(files.configFile), ...Object.keys(files.credentialsFile)]),
  ].sort();
  throw new AwsError(
    'HR_AWS_PROFILE_UNKNOWN',
    `${missing.field}: profile '${missing.profile}' is not in the AWS config or credentials file`,
    {
      hint:
        known.length === 0
          ? 'no profiles are defined; run `aws configure --profile ' +
            missing.profile +
            '` or remove the setting'
          : `known profiles: ${known.join(', ')}`,
      exitCode: 2,
    },
  );
}

/** Credentials per account, resolved lazily and shared by every client of that account. */
export class CredentialResolver {
  readonly #options: CredentialOptions;
  readonly #base: AwsCredentialIdentityProvider;
  readonly #accounts = new Map<string, AwsCredentialIdentityProvider>();

  constructor(options: CredentialOptions) {
    this.#options = options;
    const clientConfig = { region: options.stsRegion, endpoint: options.endpoint };
    const explicit = options.credentials;
    this.#base = memoize(
      explicit
        ? () => Promise.resolve(explicit)
        : options.profile !== undefined
          ? fromIni({ profile: options.profile, clientConfig })
          : fromNodeProviderChain({ clientConfig }),
    );
  }

  get base(): AwsCredentialIdentityProvider {
    return this.#base;
  }

  forAccount(access: AccountAccess): AwsCredentialIdentityProvider {
    const key = `${access.accountId}|${access.profile ?? ''}|${access.roleArn ?? ''}`;
    let provider = this.#accounts.get(key);
    if (!provider) {
      provider = this.#build(access);
      this.#accounts.set(key, provider);
    }
    return provider;
  }

  #build(access: AccountAccess): AwsCredentialIdentityProvider {
    const clientConfig = { region: this.#options.stsRegion, endpoint: this.#options.endpoint };
    if (access.profile !== undefined) return memoize(fromIni({ profile: access.profile, clientConfig }));
    if (access.roleArn !== undefined) {
      return memoize(
        fromTemporaryCredentials({
          masterCredentials: this.#base,
          params: {
            RoleArn: access.roleArn,
            RoleSessionName: this.#options.roleSessionName,
            ExternalId: access.externalId,
            DurationSeconds: 3600,
          },
          clientConfig,
        }),
      );
    }
    return this.#base;
  }
}
