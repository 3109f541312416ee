import { describe, expect, it } from 'vitest';
import { type DiscoveredAccount, globMatcher, mergeAccounts, problemText } from './inventory.js';

const A = '111111111111';
const B = '222222222222';

function account(id: string, fields: Partial<DiscoveredAccount> = {}): DiscoveredAccount {
  return { id, name: null, roleArn: null, profile: null, regions: null, ...fields };
}

describe('mergeAccounts', () => {
  it('makes one entry per account, recording every source in order, first sighting first', () => {
    const merged = mergeAccounts([
      { source: 'static', accounts: [account(B, { name: 'prod' })] },
      { source: 'organizations', accounts: [account(A, { name: 'org-a' }), account(B, { name: 'org-b' })] },
      { source: 'cmdb', accounts: [account(B), account(A)] },
    ]);
    expect(merged.map((a) => [a.id, a.name, a.sources])).toEqual([
      [B, 'prod', ['static', 'organizations', 'cmdb']],
      [A, 'org-a', ['organizations', 'cmdb']],
    ]);
  });

  it('takes each field from the first source that gives it: static wins, discovery fills the gaps', () => {
    const [merged] = mergeAccounts([
      { source: 'static', accounts: [{ ...account(A, { regions: ['eu-west-1'] }), externalId: null }] },
      {
        source: 'cmdb',
        accounts: [account(A, { name: 'from-cmdb', roleArn: `arn:aws:iam::${A}:role/cmdb`, regions: 'all' })],
      },
    ]);
    expect(merged).toEqual({
      id: A,
      name: 'from-cmdb',
      roleArn: `arn:aws:iam::${A}:role/cmdb`,
      profile: null,
      externalId: null,
      regions: ['eu-west-1'],
      sources: ['static', 'cmdb'],
    });
  });

  it('takes the way in whole from one source: a role with its external id, never mixed with a profile', () => {
    const [merged] = mergeAccounts([
      {
        source: 'static',
        accounts: [{ ...account(A, { roleArn: `arn:aws:iam::${A}:role/static` }), externalId: 'ext-1' }],
      },
      { source: 'profiles', accounts: [account(A, { profile: 'dev' })] },
    ]);
    expect([merged?.roleArn, merged?.externalId, merged?.profile]).toEqual([
      `arn:aws:iam::${A}:role/static`,
      'ext-1',
      null,
    ]);
    const [viaProfile] = mergeAccounts([
      { source: 'profiles', accounts: [account(A, { profile: 'dev' })] },
      { source: 'organizations', accounts: [account(A, { roleArn: `arn:aws:iam::${A}:role/org` })] },
    ]);
    expect([viaProfile?.roleArn, viaProfile?.profile]).toEqual([null, 'dev']);
  });

  it('lists a source once even when it gives an account twice', () => {
    const merged = mergeAccounts([{ source: 'cmdb', accounts: [account(A), account(A, { name: 'again' })] }]);
    expect(merged).toEqual([expect.objectContaining({ id: A, name: 'again', sources: ['cmdb'] })]);
  });
});

describe('globMatcher', () => {
  it.each([
    ['prod-*', 'prod-eu', true],
    ['prod-*', 'prod-', true],
    ['prod-*', 'preprod-eu', false],
    ['team-?', 'team-a', true],
    ['team-?', 'team-ab', false],
    ['a.b', 'a.b', true],
    ['a.b', 'axb', false],
    ['*', 'anything', true],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(globMatcher(pattern)(name)).toBe(expected);
  });
});

describe('problemText', () => {
  it('is one warning line: source, message, then the fix', () => {
    expect(
      problemText({ code: 'HR_INVENTORY_ROW', source: 'cmdb', message: 'row 3: bad', hint: 'fix it' }),
    ).toBe('warning inventory cmdb: row 3: bad; fix it');
    expect(problemText({ code: 'HR_INVENTORY_REGION', source: 'regions', message: 'gone' })).toBe(
      'warning inventory regions: gone',
    );
  });
});
