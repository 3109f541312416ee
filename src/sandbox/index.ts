/**
 * headroom's sandbox: a local AWS endpoint that speaks the real wire protocols of Service Quotas,
 * CloudWatch, STS, Organizations, Support and SNS, seeded from the real default-quota catalog.
 * It imports nothing from the rest of headroom, so it cannot share a bug with what it tests.
 */
export { startSandbox, type Sandbox, type RuntimeConfig } from './server.js';
export type { SandboxAdmin, SandboxInfo, AccountInfo, RequestInfo, QuotaTableRow } from './admin.js';
export {
  resolveSandboxOptions,
  SandboxOptionError,
  DEFAULT_REGIONS,
  MAX_ACCOUNTS,
  type SandboxOptions,
  type ResolvedSandboxOptions,
  type ThrottleMode,
  type Denial,
  type Outage,
  SANDBOX_STATE_VERSION,
  type SandboxState,
  type SavedRequest,
  type SavedAppliedChange,
  type SavedCase,
} from './options.js';
export type { CallCount, Outcome } from './core/metering.js';
