/**
 * The IAM actions of account and region discovery (src/inventory/): regions from EC2 (names
 * outside AWS's public list, `all`, `in-use`), accounts from AWS Organizations (in the management
 * or delegated administrator account).
 */
import { ORGANIZATIONS_IAM_ACTIONS } from '../inventory/organizations.js';
import { REGIONS_IAM_ACTIONS } from '../inventory/regions.js';

export function discoveryActions(): { regions: string[]; accounts: string[] } {
  return { regions: [...REGIONS_IAM_ACTIONS], accounts: [...ORGANIZATIONS_IAM_ACTIONS] };
}
