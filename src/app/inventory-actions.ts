/**
 * The IAM actions of account and region discovery: regions from EC2 (`all`, `in-use`), accounts
 * from AWS Organizations (in the management or delegated administrator account).
 */
export function discoveryActions(): { regions: string[]; accounts: string[] } {
  return {
    regions: ['ec2:DescribeRegions', 'ec2:DescribeInstances'],
    accounts: ['organizations:ListAccounts'],
  };
}
