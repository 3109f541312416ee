import { renderRules } from '/work/wt-srv/src/metrics/rules.ts';
process.stdout.write(renderRules());
