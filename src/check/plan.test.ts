import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../domain/errors.js';
import { isUnknown, parsePlan } from './plan.js';

const MIXED = readFileSync(new URL('../../test/fixtures/plans/mixed.json', import.meta.url), 'utf8');

function refusal(text: string): string {
  try {
    parsePlan(text, 'plan.json');
  } catch (error) {
    if (error instanceof HeadroomError) return `${error.code} (exit ${error.exitCode}): ${error.message}`;
    throw error;
  }
  throw new Error('parsed');
}

describe('parsePlan', () => {
  it('reads the format, the region and every change as the plan gives it', () => {
    const plan = parsePlan(MIXED, 'mixed.json');
    expect(plan).toMatchObject({ formatVersion: '1.2', terraformVersion: '1.6.6', region: 'us-east-1' });
    expect(plan.changes.map((c) => [c.address, c.mode, c.actions.join('+')])).toEqual([
      ['aws_instance.web[0]', 'managed', 'create'],
      ['aws_instance.web[1]', 'managed', 'create'],
      ['module.net.aws_eip.nat["a"]', 'managed', 'create'],
      ['module.net.aws_eip.nat["b"]', 'managed', 'create'],
      ['aws_instance.old', 'managed', 'delete'],
      ['aws_instance.db', 'managed', 'delete+create'],
      ['aws_instance.resized', 'managed', 'update'],
      ['aws_instance.gpu', 'managed', 'create'],
      ['aws_iam_role.app', 'managed', 'create'],
      ['aws_eip.kept', 'managed', 'no-op'],
      ['data.aws_ami.ubuntu', 'data', 'read'],
    ]);
    const old = plan.changes.find((c) => c.address === 'aws_instance.old');
    expect(old).toMatchObject({ after: null, before: { instance_type: 't3.large' } });
  });

  it('has no region when the provider does not set one as a constant', () => {
    expect(parsePlan('{"format_version":"1.0","resource_changes":[]}', 'p').region).toBeNull();
  });

  it('refuses what is not a plan, one line naming the file and the problem, exit 2', () => {
    expect(refusal('{"format_version": ')).toMatch(/^HR_CHECK_INPUT \(exit 2\): plan\.json: is not JSON \(/);
    expect(refusal('[1, 2]')).toBe(
      'HR_CHECK_INPUT (exit 2): plan.json: is not a Terraform plan: it has no format_version',
    );
    expect(refusal('{"version": 4, "resources": []}')).toBe(
      'HR_CHECK_INPUT (exit 2): plan.json: is not a Terraform plan: it has no format_version',
    );
    expect(refusal('{"format_version": "1.0", "values": {}}')).toBe(
      'HR_CHECK_INPUT (exit 2): plan.json: is not a Terraform plan: it has neither resource_changes nor planned_values (a state file?)',
    );
    expect(refusal('{"format_version": "2.0", "resource_changes": []}')).toBe(
      'HR_CHECK_INPUT (exit 2): plan.json: plan format 2.0 is not supported (headroom reads formats 0.x and 1.x)',
    );
    expect(refusal('{"format_version": "1.2", "resource_changes": {}}')).toBe(
      'HR_CHECK_INPUT (exit 2): plan.json: is not a Terraform plan: resource_changes is not a list',
    );
    expect(
      refusal(
        '{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "a", "change": {"actions": ["explode"]}}]}',
      ),
    ).toBe(
      'HR_CHECK_INPUT (exit 2): plan.json: resource_changes[0] (a.b).change.actions must be a list of no-op, create, read, update, delete',
    );
  });
});

describe('isUnknown', () => {
  it('follows after_unknown into blocks and lists, and takes a whole unknown block as unknown inside', () => {
    const tree = { instance_type: true, root_block_device: [{ volume_size: true }], ingress: true, tags: {} };
    expect(isUnknown(tree, 'instance_type')).toBe(true);
    expect(isUnknown(tree, 'root_block_device.0.volume_size')).toBe(true);
    expect(isUnknown(tree, 'ingress.3.from_port')).toBe(true);
    expect(isUnknown(tree, 'tags.Name')).toBe(false);
    expect(isUnknown(tree, 'ami')).toBe(false);
  });
});
