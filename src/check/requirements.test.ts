import { describe, expect, it } from 'vitest';
import { HeadroomError } from '../domain/errors.js';
import { parseRequirements } from './requirements.js';

function refusal(text: string): string {
  try {
    parseRequirements(text, 'needs.yaml');
  } catch (error) {
    if (error instanceof HeadroomError) return error.message;
    throw error;
  }
  throw new Error('parsed');
}

describe('parseRequirements', () => {
  it('reads +N as more than now and N as in all, with where each was written', () => {
    const text = [
      '- quota: ec2/L-1216C47A',
      '  need: +32',
      '- quota: vpc/L-F678F1CE',
      '  need: 5',
      '- quota: ec2/L-0263D0A3',
      "  need: '+2.5'",
      '',
    ].join('\n');
    expect(parseRequirements(text, 'needs.yaml')).toEqual([
      { serviceCode: 'ec2', quotaCode: 'L-1216C47A', kind: 'delta', amount: 32, from: 'needs.yaml:1' },
      { serviceCode: 'vpc', quotaCode: 'L-F678F1CE', kind: 'total', amount: 5, from: 'needs.yaml:3' },
      { serviceCode: 'ec2', quotaCode: 'L-0263D0A3', kind: 'delta', amount: 2.5, from: 'needs.yaml:5' },
    ]);
    expect(parseRequirements('', 'empty.yaml')).toEqual([]);
  });

  it('refuses what it cannot read, naming the file, line and field', () => {
    expect(refusal('quota: ec2/L-1216C47A')).toBe('needs.yaml:1: must be a list of requirements');
    expect(refusal('- quota: ec2\n  need: 3')).toMatch(
      /^needs\.yaml:1: item 0: quota must be SERVICE\/QUOTA_CODE such as ec2\/L-1216C47A \(got "ec2"\)$/,
    );
    expect(refusal('- quota: ec2/L-1216C47A\n  need: lots')).toBe(
      'needs.yaml:1: item 0 (ec2/L-1216C47A): need must be +N (more than now) or N (in all) (got lots)',
    );
    expect(refusal('- quota: ec2/L-1216C47A\n  need: -3')).toMatch(/need must be \+N .* \(got -3\)$/);
    expect(refusal('- quota: ec2/L-1216C47A')).toMatch(/\(got nothing\)$/);
    expect(refusal('- quota: ec2/L-1216C47A\n  need: 3\n  when: now')).toBe(
      'needs.yaml:1: item 0: when is not a field (quota and need are)',
    );
    expect(refusal('- [unclosed')).toMatch(/^needs\.yaml:1: is not YAML \(/);
  });
});
