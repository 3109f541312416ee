/** Paths inside the dashboard, built in one place. */
import { segment } from './api';
import { quotaKey } from './format';

export function targetPath(key: string, quota?: { serviceCode: string; quotaCode: string }): string {
  const path = `/targets/${segment(key)}`;
  return quota === undefined ? path : `${path}?quota=${segment(quotaKey(quota))}`;
}
