import { describe, expect, it } from 'vitest';
import { elbFamily } from './elb.js';
import { type Values, valueAt } from './family.js';

const unknownIn =
  (tree: Values) =>
  (path: string): boolean =>
    valueAt(tree, path) === true;
const known = () => false;

describe('load balancers', () => {
  it('counts an aws_lb by its load_balancer_type', () => {
    expect(elbFamily.uses('aws_lb', { name: 'api', load_balancer_type: 'network' }, known).uses).toEqual([
      {
        serviceCode: 'elasticloadbalancing',
        quotaCode: 'L-69A177A2',
        amount: 1,
        why: 'one Network Load Balancer',
      },
    ]);
  });

  it('takes application when load_balancer_type is absent, for aws_lb and aws_alb', () => {
    for (const type of ['aws_lb', 'aws_alb']) {
      expect(elbFamily.uses(type, { name: 'web', internal: false }, known).uses[0]?.quotaCode).toBe(
        'L-53DA6B97',
      );
    }
  });

  it('reports an unknown type, and a gateway load balancer whose quota the catalog lacks', () => {
    expect(elbFamily.uses('aws_lb', { name: 'x' }, unknownIn({ load_balancer_type: true }))).toEqual({
      uses: [],
      unknown: ['load_balancer_type'],
    });
    expect(elbFamily.uses('aws_lb', { load_balancer_type: 'gateway' }, known).unknown).toEqual([
      'load_balancer_type (gateway: headroom knows no quota code for this type)',
    ]);
  });

  it.each([
    ['aws_lb_target_group', 'L-B22855CB'],
    ['aws_alb_target_group', 'L-B22855CB'],
    ['aws_elb', 'L-E9E9831D'],
  ])('counts %s against %s', (type, quotaCode) => {
    expect(elbFamily.uses(type, { name: 'x' }, known).uses).toMatchObject([{ quotaCode, amount: 1 }]);
  });
});
