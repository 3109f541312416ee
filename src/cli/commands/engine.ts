/**
 * `headroom engine run` and `headroom rules list|check|explain`: printing what
 * src/app/engine.ts does.
 */
import { type Command, Option } from 'commander';
import { engineRun, explainRule, type RuleExplanation } from '../../app/engine.js';
import { simulateEngine } from '../../app/simulate.js';
import { IncompleteError } from '../../domain/errors.js';
import { quotaKey } from '../../domain/quota.js';
import { describeHours, type Rule, type RuleSettings } from '../../domain/rule.js';
import { targetKey } from '../../domain/target.js';
import { formatDuration } from '../../config/duration.js';
import type { Evaluation } from '../../engine/run.js';
import { renderCsv, renderJson } from '../output/csv.js';
import { type Column, renderTable } from '../output/table.js';
import {
  collectList,
  durationOption,
  type Format,
  formatNumber,
  formatOption,
  sinceOption,
  withContext,
  write,
} from './shared.js';

// ---- engine run -----------------------------------------------------------------------------

const EVALUATION_COLUMNS: Column[] = [
  { key: 'target', header: 'TARGET' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'quotaName', header: 'NAME', maxWidth: 36 },
  { key: 'rule', header: 'RULE' },
  { key: 'band', header: 'BAND' },
  { key: 'utilization', header: 'USED', align: 'right' },
  { key: 'decision', header: 'DECISION' },
  { key: 'value', header: 'TO', align: 'right', format: formatNumber },
  { key: 'outcome', header: 'OUTCOME', maxWidth: 60 },
];

function evaluationRow(e: Evaluation): Record<string, unknown> {
  const d = e.decision;
  return {
    target: targetKey(e.target),
    accountId: e.target.accountId,
    region: e.target.region,
    quota: quotaKey(e),
    quotaName: e.quotaName,
    rule: e.rule,
    band: d.band,
    limit: e.limit,
    usage: e.usage,
    utilization:
      d.utilization === null
        ? '-'
        : `${d.utilization.toFixed(1)}%${d.basis === 'forecast' ? ' (forecast)' : ''}`,
    forecast: e.forecast ?? '',
    decision: d.kind === 'none' ? '-' : d.kind,
    alert: d.alert ?? '',
    value: d.value ?? '',
    outcome: e.outcome
      ? `${e.outcome.status}: ${e.outcome.message}`
      : e.approvalId
        ? `approval ${e.approvalId}`
        : d.kind === 'none'
          ? ''
          : d.muted
            ? 'alert muted'
            : e.notified.length > 0
              ? `alert → ${e.notified.join(', ')}`
              : '',
    reason: d.reason,
  };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function registerEngine(program: Command): void {
  const engine = program
    .command('engine')
    .description('the policy engine: evaluate every quota against its rule and act');
  engine
    .command('run')
    .description(
      'one pass: decide for every stored quota, then alert, propose, request or open cases as the rules allow',
    )
    .option('--dry-run', 'decide and show, but write, file and send nothing', false)
    .option('--target <ACCOUNT:REGION>', 'only this target (repeatable, or comma-separated)', collectList)
    .option('--all', 'show every quota evaluated above ok, not only those with a decision', false)
    .addOption(formatOption())
    .action(
      async (
        flags: { dryRun: boolean; target?: string[]; all: boolean; format: Format },
        command: Command,
      ) => {
        await withContext(command, async (ctx) => {
          const { report, spikes, delivery } = await engineRun(ctx, {
            specs: flags.target ?? [],
            dryRun: flags.dryRun,
          });
          const shown = report.evaluations.filter(
            (e) => flags.all || e.decision.kind !== 'none' || e.changed,
          );
          if (flags.format === 'json') write(renderJson({ report, spikes, delivery }));
          else if (flags.format === 'csv') {
            const rows = shown.map(evaluationRow);
            const keys = [
              'accountId',
              'region',
              'quota',
              'quotaName',
              'rule',
              'band',
              'limit',
              'usage',
              'utilization',
              'decision',
              'alert',
              'value',
              'outcome',
              'reason',
              'forecast',
            ];
            write(
              renderCsv(
                keys.map((key) => ({ key, header: key })),
                rows,
              ),
            );
          } else {
            if (shown.length > 0) write(renderTable(EVALUATION_COLUMNS, shown.map(evaluationRow)));
            for (const d of report.dependents) {
              write(
                `dependent: ${d.serviceCode}/${d.quotaCode} in ${targetKey(d.target)} at ${d.utilization.toFixed(1)}% of ${formatNumber(d.limit)}: ${formatNumber(d.limit)} → ${formatNumber(d.value)} ${d.outcome}${d.approvalId === null ? '' : ` (${d.approvalId})`}, following ${d.because} (rule ${d.rule})\n`,
              );
            }
            for (const { spike, result } of spikes) {
              const { detail } = spike.event;
              write(
                `spike (${detail.severity}): ${detail.quota} in ${detail.target}: ${formatNumber(detail.usage)} against a baseline of ${formatNumber(detail.baseline)} (×${spike.spike.ratio.toFixed(1)}) at ${spike.spike.at.toISOString()}; ${result === null ? `event ${spike.event.id} handled before` : `event ${result.id}: ${result.summary}`}\n`,
              );
            }
          }
          const c = report.counts;
          const fresh = spikes.filter((s) => s.result !== null).length;
          process.stderr.write(
            `${flags.dryRun ? 'dry run: ' : ''}evaluated ${plural(report.evaluated, 'quota')}: ${plural(c.alert, 'alert')}, ${plural(c.propose, 'proposal')}, ${plural(c.request, 'request')}, ${plural(c['support-case'], 'Support case')}` +
              (report.expired.length > 0 ? `; ${plural(report.expired.length, 'approval')} expired` : '') +
              (report.dependents.length > 0
                ? `; ${plural(report.dependents.length, 'dependent raise')}`
                : '') +
              (fresh > 0 ? `; ${plural(fresh, 'new spike')}` : '') +
              (flags.dryRun
                ? '; nothing was written'
                : `; ${plural(report.audited, 'audit entry', 'audit entries')}`) +
              (delivery
                ? `; alerts: ${delivery.delivered} delivered, ${delivery.retrying} to retry, ${delivery.failed} failed`
                : '') +
              '\n',
          );
          const failed = report.evaluations.filter((e) => e.outcome?.status === 'failed');
          if (failed.length > 0) {
            const first = failed[0] as Evaluation;
            throw new IncompleteError(
              'HR_ENGINE_ACTION_FAILED',
              `${plural(failed.length, 'action')} failed, the first for ${quotaKey(first)} in ${targetKey(first.target)}: ${first.outcome?.message ?? ''}`,
              { hint: 'see the audit trail (`headroom audit --kind action`); the next pass tries again' },
            );
          }
        });
      },
    );
  engine
    .command('simulate')
    .description(
      'replay stored usage history through the rules and report what the engine would have done (writes, files and sends nothing)',
    )
    .requiredOption('--from <when>', 'where the replay starts: a duration back (30d) or a date', sinceOption)
    .option('--rules <FILE>', "a rules file (rules: only) to replay instead of the config's rules")
    .option('--target <ACCOUNT:REGION>', 'only this target (repeatable, or comma-separated)', collectList)
    .option(
      '--step <duration>',
      'how often the engine would have run: a duration from 5m to 1d',
      stepOption,
      HOUR,
    )
    .addOption(formatOption())
    .action(
      async (
        flags: { from: Date; rules?: string; target?: string[]; step: number; format: Format },
        command: Command,
      ) => {
        await withContext(command, async (ctx) => {
          const result = await simulateEngine(ctx, {
            specs: flags.target ?? [],
            from: flags.from,
            rulesFile: flags.rules,
            stepMs: flags.step,
          });
          const rows = result.events.map((e) => ({
            at: e.at.toISOString().slice(0, 16).replace('T', ' '),
            target: targetKey(e.target),
            quota: quotaKey(e),
            kind: e.kind,
            band: e.kind === 'spike' ? (e.severity ?? '') : (e.alert ?? e.band),
            usage: e.usage,
            limit: e.limit,
            utilization:
              e.utilization === null
                ? ''
                : `${e.utilization.toFixed(1)}%${e.basis === 'forecast' ? ' (forecast)' : ''}`,
            value: e.value ?? '',
            rule: e.rule,
            reason: e.reason,
          }));
          if (flags.format === 'json') write(renderJson(result));
          else if (flags.format === 'csv') {
            write(
              renderCsv(
                Object.keys(rows[0] ?? { at: '' }).map((key) => ({ key, header: key })),
                rows,
              ),
            );
          } else if (rows.length > 0) write(renderTable(SIMULATION_COLUMNS, rows));
          const c = result.counts;
          const days = (result.to.getTime() - result.from.getTime()) / 86_400_000;
          process.stderr.write(
            `simulated ${days.toFixed(1)} days (${plural(result.steps, 'step')}) of ${plural(result.quotas, 'quota')} under ${plural(result.rules, 'rule')} from ${result.rulesFrom}: ` +
              `${plural(c.alert, 'alert')}, ${plural(c.propose, 'proposal')} (${c.expired} expired unapproved), ${plural(c.request, 'request')}, ${plural(c['support-case'], 'Support case')}, ${plural(c.spike, 'spike')}` +
              (result.raised.length > 0 ? `; ${plural(result.raised.length, 'limit')} raised` : '') +
              '; nothing was written, filed or sent\n',
          );
        });
      },
    );
}

const HOUR = 3_600_000;

/** How often the engine would have run: 5m to 1d. */
const stepOption = durationOption(5 * 60_000, 24 * HOUR, 'a duration from 5m to 1d, such as 1h');

const SIMULATION_COLUMNS: Column[] = [
  { key: 'at', header: 'AT (UTC)' },
  { key: 'target', header: 'TARGET' },
  { key: 'quota', header: 'QUOTA' },
  { key: 'kind', header: 'WOULD' },
  { key: 'band', header: 'BAND' },
  { key: 'usage', header: 'USAGE', align: 'right', format: formatNumber },
  { key: 'limit', header: 'LIMIT', align: 'right', format: formatNumber },
  { key: 'utilization', header: 'USED', align: 'right' },
  { key: 'value', header: 'TO', align: 'right', format: formatNumber },
  { key: 'reason', header: 'WHY', maxWidth: 80 },
];

// ---- rules ----------------------------------------------------------------------------------

function thresholdsText(s: RuleSettings): string {
  return `${s.thresholds.warning}/${s.thresholds.critical}/${s.thresholds.emergency}%`;
}

function matchText(rule: Rule): string {
  const parts = (['accounts', 'regions', 'services', 'quotas'] as const)
    .filter((k) => rule.match[k].length > 0)
    .map((k) => `${k}=${rule.match[k].join(',')}`);
  return parts.length === 0 ? 'everything' : parts.join(' ');
}

function settingText(key: keyof RuleSettings, s: RuleSettings): string {
  switch (key) {
    case 'thresholds':
      return `warning ${s.thresholds.warning}%, critical ${s.thresholds.critical}%, emergency ${s.thresholds.emergency}%`;
    case 'businessHours':
      return s.businessHours === null ? 'any time' : describeHours(s.businessHours);
    case 'cooldownMs':
      return formatDuration(s.cooldownMs);
    case 'maxValue':
      return s.maxValue === null ? 'none' : formatNumber(s.maxValue);
    case 'costThreshold':
      return s.costThreshold === null ? 'none' : `${formatNumber(s.costThreshold)}/month`;
    case 'notify':
      return s.notify.length === 0 ? '(no channels)' : s.notify.join(', ');
    case 'buffer':
      return `${s.buffer}%`;
    case 'multiplier':
      return `×${s.multiplier}`;
    default:
      return String(s[key]);
  }
}

function ruleRow(rule: Rule): Record<string, unknown> {
  return {
    name: rule.name,
    file: `${rule.file} rules.${rule.index}`,
    match: matchText(rule),
    level: rule.level,
    thresholds: thresholdsText(rule),
    increase: `×${rule.multiplier}, buffer ${rule.buffer}%`,
    maxValue: rule.maxValue ?? '-',
    approval: rule.approvalRequired
      ? 'required'
      : rule.costThreshold === null
        ? '-'
        : `> ${rule.costThreshold}/month`,
    hours: rule.businessHours === null ? 'any' : describeHours(rule.businessHours),
    cooldown: formatDuration(rule.cooldownMs),
    notify: rule.mute ? 'muted' : rule.notify.join(',') || '-',
  };
}

function explanationText(x: RuleExplanation): string {
  const lines: string[] = [];
  const name = x.quota.quotaName ? ` (${x.quota.quotaName})` : '';
  lines.push(
    `${x.quota.serviceCode}/${x.quota.quotaCode}${name} in ${targetKey(x.target.target)}${x.target.accountName ? ` (${x.target.accountName})` : ''}`,
  );
  if (x.quota.quotaName === null)
    lines.push('  (no limits are stored for it here yet: names are not matched; run `headroom collect`)');
  if (x.rule === null) lines.push('applies: no rule matches, so engine.defaults apply');
  else {
    const fit = x.fits.find((f) => f.chosen)?.fit;
    const how =
      fit?.matches === true
        ? (['quota', 'service', 'account', 'region'] as const)
            .map((k) => `${k} ${['any', 'glob', 'exact'][fit.specificity[k]] ?? '?'}`)
            .join(', ')
        : '';
    lines.push(`applies: rule ${x.rule.name} (${x.rule.file}, rules.${x.rule.index}): ${how}`);
  }
  for (const o of x.origins)
    lines.push(`  ${o.setting.padEnd(16)} ${settingText(o.setting, x.settings)}  (${o.from})`);
  const others = x.fits.filter((f) => !f.chosen);
  if (others.length > 0) lines.push('other rules:');
  for (const { rule, fit } of others) {
    lines.push(
      fit.matches
        ? `  ${rule.name} (${rule.file}, rules.${rule.index}): matches, but is less specific${x.rule && rule.index > x.rule.index ? ' or comes later' : ''}`
        : `  ${rule.name} (${rule.file}, rules.${rule.index}): does not match: ${fit.part} [${fit.wanted.join(', ')}]`,
    );
  }
  if (x.now === null) lines.push('now: nothing stored for it in this target');
  else {
    const { limit, usage, decision } = x.now;
    lines.push(
      `now: limit ${limit ?? '-'}, usage ${usage ?? '-'} → ${decision.band}; the engine would: ${decision.kind} (${decision.reason})`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function registerRules(program: Command): void {
  const rules = program
    .command('rules')
    .description('policy rules: list them, check them, and see which applies to a quota');
  rules
    .command('list', { isDefault: true })
    .description('every rule, in order, with its settings filled from engine.defaults')
    .addOption(formatOption())
    .action(async (flags: { format: Format }, command: Command) => {
      await withContext(command, (ctx) => {
        const { rules: all, defaults } = ctx.config.engine;
        if (flags.format === 'json') write(renderJson({ rules: all, defaults }));
        else {
          const rows = all.map(ruleRow);
          const columns = Object.keys(
            rows[0] ??
              ruleRow({
                ...defaults,
                name: '',
                index: 0,
                file: '',
                match: { accounts: [], regions: [], services: [], quotas: [] },
                own: [],
              }),
          ).map((key) => ({ key, header: key.toUpperCase() }));
          if (flags.format === 'csv')
            write(
              renderCsv(
                columns.map((c) => ({ key: c.key, header: c.key })),
                rows,
              ),
            );
          else {
            if (rows.length > 0) write(renderTable(columns, rows));
            process.stderr.write(
              `${plural(all.length, 'rule')}; quotas no rule matches get engine.defaults: ${defaults.level}, ${thresholdsText(defaults)}\n`,
            );
          }
        }
        return Promise.resolve();
      });
    });
  rules
    .command('check')
    .description(
      'load the rules and check them against the stored limits (a ceiling below a limit is an error)',
    )
    .action(async (_flags: unknown, command: Command) => {
      await withContext(command, async (ctx) => {
        // A dry pass checks every ceiling against every stored limit before deciding anything.
        const { report } = await engineRun(ctx, { specs: [], dryRun: true });
        write(
          `${plural(ctx.config.engine.rules.length, 'rule')} loaded and checked against ${plural(report.evaluated, 'quota')} with stored limits and usage: no problems\n`,
        );
      });
    });
  rules
    .command('explain')
    .description('which rule applies to a quota in a target, why, and what the engine would do now')
    .argument('<SERVICE/CODE>', 'the quota, e.g. ec2/L-1216C47A')
    .requiredOption('--target <ACCOUNT:REGION>', 'the target')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (quota: string, flags: { target: string; format: 'text' | 'json' }, command: Command) => {
      await withContext(command, async (ctx) => {
        const explanation = await explainRule(ctx, quota, flags.target);
        write(flags.format === 'json' ? renderJson(explanation) : explanationText(explanation));
      });
    });
}

export function registerPolicy(program: Command): void {
  registerRules(program);
  registerEngine(program);
}
