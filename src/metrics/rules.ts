/**
 * The Prometheus alerting rules for headroom's metrics, generated (checked in as
 * deploy/prometheus/headroom-rules.yml, `headroom prometheus-rules`): quota usage above the
 * warning and critical ratios for 15 minutes, a collector failing, data gone stale (no success
 * for two intervals of the job that reads it), and AWS throttling headroom rising. Pure.
 */
import { stringify } from 'yaml';

export interface RuleOptions {
  /** Usage ratios (0–1) that warn and that are critical. */
  readonly warning: number;
  readonly critical: number;
  /** `headroom serve`'s job intervals (ms): data older than two of them is stale. */
  readonly intervals: { readonly accountsMs: number; readonly limitsMs: number; readonly usageMs: number };
}

export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  warning: 0.8,
  critical: 0.95,
  intervals: { accountsMs: 86_400_000, limitsMs: 86_400_000, usageMs: 3_600_000 },
};

const WHERE = '{{ $labels.account_name }} ({{ $labels.account_id }}) {{ $labels.region }}';
const QUOTA = '{{ $labels.service }} {{ $labels.quota_code }} "{{ $labels.quota_name }}"';

function usageAlert(name: string, severity: string, expr: string, threshold: number) {
  return {
    alert: name,
    expr,
    for: '15m',
    labels: { severity },
    annotations: {
      summary: `Quota ${QUOTA} at {{ $value | humanizePercentage }} of its limit in ${WHERE}`,
      description:
        `Usage of ${QUOTA}{{ if $labels.resource }} for {{ $labels.resource }}{{ end }} in ${WHERE} ` +
        `has been above ${Math.round(threshold * 100)}% of the limit for 15 minutes. ` +
        'Request an increase (headroom replicate/apply, or the Service Quotas console) or reduce usage.',
    },
  };
}

/** `selector`: the collectors the job runs, as a label matcher. */
function staleAlert(selector: string, seconds: number, job: string) {
  return {
    expr: `time() - headroom_last_success_timestamp_seconds{${selector}} > ${seconds}`,
    for: '15m',
    labels: { severity: 'warning' },
    annotations: {
      summary: `headroom's {{ $labels.collector }} data for {{ $labels.account_id }} {{ $labels.region }} is stale`,
      description:
        `The {{ $labels.collector }} collector last succeeded {{ $value | humanizeDuration }} ago, ` +
        `more than twice the ${job} interval: quota alerts there rest on old values. ` +
        "Check headroom serve's log and headroom_collector_success.",
    },
  };
}

/** The rules as a Prometheus rule file (YAML). */
export function renderRules(options: RuleOptions = DEFAULT_RULE_OPTIONS): string {
  const { warning, critical, intervals } = options;
  const seconds = (ms: number) => Math.round((2 * ms) / 1000);
  const document = {
    groups: [
      {
        name: 'headroom-quotas',
        rules: [
          usageAlert(
            'HeadroomQuotaUsageCritical',
            'critical',
            `headroom_quota_usage_ratio > ${critical}`,
            critical,
          ),
          usageAlert(
            'HeadroomQuotaUsageWarning',
            'warning',
            `headroom_quota_usage_ratio > ${warning} <= ${critical}`,
            warning,
          ),
        ],
      },
      {
        name: 'headroom-collection',
        rules: [
          {
            alert: 'HeadroomCollectorFailing',
            expr: 'headroom_collector_success == 0',
            for: '15m',
            labels: { severity: 'warning' },
            annotations: {
              summary:
                "headroom's {{ $labels.collector }} collector fails on {{ $labels.account_id }} {{ $labels.region }}",
              description:
                'The latest run of the {{ $labels.collector }} collector failed (an empty account and region: the ' +
                "inventory). headroom serve's log names the error and its fix; quotas there keep their last known values.",
            },
          },
          {
            alert: 'HeadroomLimitsStale',
            ...staleAlert('collector="limits"', seconds(intervals.limitsMs), 'limits'),
          },
          {
            alert: 'HeadroomUsageStale',
            // The usage read and every usage counter run in the usage job.
            ...staleAlert('collector!~"limits|inventory"', seconds(intervals.usageMs), 'usage'),
          },
          {
            alert: 'HeadroomInventoryStale',
            ...staleAlert('collector="inventory"', seconds(intervals.accountsMs), 'accounts'),
          },
          {
            alert: 'HeadroomAwsThrottlingRising',
            expr:
              'sum by (service, operation) (increase(headroom_aws_api_throttles_total[1h]))\n' +
              '  / sum by (service, operation) (increase(headroom_aws_api_calls_total[1h])) > 0.1\n' +
              'and sum by (service, operation) (increase(headroom_aws_api_throttles_total[1h]))\n' +
              '  > sum by (service, operation) (increase(headroom_aws_api_throttles_total[1h] offset 1h))',
            for: '15m',
            labels: { severity: 'info' },
            annotations: {
              summary:
                'AWS throttles headroom on {{ $labels.service }} {{ $labels.operation }}, more than an hour before',
              description:
                'More than 10% of calls to {{ $labels.operation }} were throttled in the last hour, and more than the ' +
                'hour before. Something else may share the rate limit; lower aws.maxConcurrency or lengthen serve.schedule.',
            },
          },
        ],
      },
    ],
  };
  return `# Generated by \`headroom prometheus-rules\` (src/metrics/rules.ts); do not edit by hand.\n${stringify(document, { lineWidth: 0 })}`;
}
