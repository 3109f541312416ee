/**
 * `headroom iam-policy`: the least-privilege IAM policy headroom needs, as JSON, generated from
 * what its modules declare (src/app/iam-policy.ts). Needs no credentials and calls nothing.
 */
import type { Command } from 'commander';
import { iamPolicy, renderIamPolicy } from '../../app/iam-policy.js';
import { UsageError } from '../../domain/errors.js';
import { write } from './shared.js';

/** IAM role names: letters, digits and + = , . @ _ -, up to 64 (a path is not part of the name). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

export function registerIamPolicy(program: Command): void {
  program
    .command('iam-policy')
    .description(
      'print the least-privilege IAM policy headroom needs (reads, and publishes alerts to your SNS topics; files requests only with --requests), generated from what each module calls',
    )
    .option('--requests', 'also allow filing increase requests and Support cases (apply, the engine)', false)
    .option(
      '--role-name <name>',
      'the role headroom assumes in member accounts (the base identity may assume it)',
      'OrganizationAccountAccessRole',
    )
    .action((options: { requests: boolean; roleName: string }) => {
      if (!ROLE_NAME.test(options.roleName)) {
        throw new UsageError(`--role-name '${options.roleName}' is not an IAM role name`, {
          hint: 'give the name alone (letters, digits and + = , . @ _ -, up to 64), e.g. --role-name headroom-read',
        });
      }
      write(renderIamPolicy(iamPolicy({ requests: options.requests, roleName: options.roleName })));
    });
}
