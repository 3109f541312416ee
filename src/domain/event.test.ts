import { describe, expect, it } from 'vitest';
import { parseEvent } from './event.js';

describe('parseEvent', () => {
  it.each([
    [
      'Quota Threshold Exceeded',
      { target: '123456789012:us-east-1', quota: 'ec2/L-1216C47A', utilization: 91.5 },
    ],
    [
      'Quota Usage Spike',
      { target: 'prod:eu-west-1', quota: 'lambda/L-B99A9384', usage: 900, baseline: 300, severity: 'high' },
    ],
    [
      'Infrastructure Scaling',
      { target: 'prod:eu-west-1', direction: 'up', factor: 1.5, services: ['ec2', 'ebs'] },
    ],
    ['DR Failover', { primary: 'prod:us-east-1', dr: 'prod:us-west-2' }],
    ['DR Failback', { primary: 'prod:us-east-1', dr: 'prod:us-west-2' }],
  ])('takes a %s event', (type, detail) => {
    const input = {
      version: '0',
      id: 'e-1',
      source: 'com.example',
      'detail-type': type,
      time: '2026-12-03T12:00:00Z',
      detail,
    };
    expect(parseEvent(input)).toEqual({ event: input });
  });

  it.each([
    [null, 'event', 'must be an object'],
    [
      { 'detail-type': 'DR Failback', detail: { primary: 'a:us-east-1', dr: 'b:us-east-1' } },
      'source',
      'is missing',
    ],
    [
      {
        source: 's',
        'detail-type': 'Quota Usage Spike',
        detail: { target: 'a:us-east-1', quota: 'ec2', usage: 1, baseline: 1, severity: 'medium' },
      },
      'detail.quota',
      'must be SERVICE/QUOTA_CODE, such as ec2/L-1216C47A',
    ],
    [
      {
        source: 's',
        'detail-type': 'DR Failover',
        detail: { primary: 'a:us-east-1', dr: 'b:us-east-1' },
        time: 'yesterday',
      },
      'time',
      'Invalid ISO datetime',
    ],
    [
      {
        source: 's',
        'detail-type': 'Infrastructure Scaling',
        detail: { target: 'a:us-east-1', direction: 'sideways', factor: 2, services: ['ec2'] },
      },
      'detail.direction',
      'must be one of up, down',
    ],
  ])('refuses %j naming %s', (input, field, problem) => {
    expect(parseEvent(input)).toEqual({ problem: { field, problem } });
  });
});
