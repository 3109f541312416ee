/**
 * docs/services.md: what each usage counter counts and the IAM actions it calls, generated from
 * the counters themselves (src/services/), so the page cannot drift from the code.
 */
import { COUNTERS } from '../services/index.js';

export function servicesDoc(): string {
  const lines = [
    '# Usage counters',
    '',
    '<!-- Generated from src/services/ by `npx tsx scripts/build-docs.ts`; a test checks it is current. -->',
    '',
    'For quotas AWS gives no usage metric, and quotas that apply per resource, headroom counts usage',
    'itself by describing the resources. CloudWatch stays the source of a quota where it gives a value;',
    'a counted value fills the rest, and says so (`USAGE FROM counter` in `headroom quotas`). A',
    'per-resource quota is counted for each resource; `headroom quotas` shows the busiest one, and',
    '`/metrics` exports each with a `resource` label.',
    '',
  ];
  for (const counter of COUNTERS) {
    lines.push(
      `## ${counter.serviceCode}${counter.global ? ' (global: counted once per account, in us-east-1)' : ''}`,
      '',
    );
    lines.push('| quota | counts | per resource |', '| --- | --- | --- |');
    for (const q of counter.quotas)
      lines.push(`| ${q.quotaCode} | ${q.counts} | ${q.perResource === true ? 'yes' : ''} |`);
    if (counter.matching) lines.push(`| (by name) | ${counter.matching.counts} | |`);
    lines.push('', `IAM actions: ${counter.iamActions.map((a) => `\`${a}\``).join(', ')}`, '');
  }
  return lines.join('\n');
}
