/** Writes the generated docs: docs/services.md (usage counters) and docs/iam-policy.json. */
import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { join } from 'node:path';
import { iamPolicy } from '../src/app/iam-policy.js';
import { discoveryActions } from '../src/app/inventory-actions.js';
import { servicesDoc } from '../src/app/services-doc.js';

const docs = join(import.meta.dirname, '..', 'docs');
writeFileSync(
  join(docs, 'services.md'),
  await format(servicesDoc(), { parser: 'markdown', proseWrap: 'preserve' }),
);
writeFileSync(
  join(docs, 'iam-policy.json'),
  `${JSON.stringify(iamPolicy({ requests: true, roleName: 'OrganizationAccountAccessRole', discovery: discoveryActions() }), null, 2)}\n`,
);
