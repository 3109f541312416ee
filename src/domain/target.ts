/**
 * A target is one (account, region): the unit headroom collects, stores and compares. Pure.
 */
import { UsageError } from './errors.js';

export interface Target {
  readonly accountId: string;
  readonly region: string;
}

/** The region AWS keeps global quotas in (IAM, Route 53, CloudFront, Organizations…). */
export const GLOBAL_QUOTA_HOME_REGION = 'us-east-1';

/** A 12-digit AWS account id. */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
/** An AWS region name such as us-east-1 or us-gov-west-1. */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID_PATTERN.test(value);
}

export function isRegion(value: string): boolean {
  return REGION_PATTERN.test(value);
}

/** `123456789012:us-east-1`: the key a target is stored and shown under. */
export function targetKey(target: Target): string {
  return `${target.accountId}:${target.region}`;
}

/**
 * Reads `ACCOUNT:REGION` (an account id or a name the caller resolves, such as an alias or
 * profile) into its two halves; anything else is a usage error naming the flag.
 */
export function splitTarget(text: string, flag = '--target'): { account: string; region: string } {
  const at = text.lastIndexOf(':');
  const account = at < 0 ? '' : text.slice(0, at);
  const region = at < 0 ? '' : text.slice(at + 1);
  if (account === '' || !isRegion(region)) {
    throw new UsageError(`${flag} '${text}' is not a target`, {
      hint: 'write ACCOUNT:REGION, e.g. 123456789012:us-east-1 (ACCOUNT may be an account name or alias from the config)',
    });
  }
  return { account, region };
}

export function compareTargets(a: Target, b: Target): number {
  return a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region);
}
