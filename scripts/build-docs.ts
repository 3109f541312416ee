/** Writes the generated docs: docs/services.md (usage counters) and docs/iam-policy.json. */
import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { join } from 'node:path';
import { iamPolicy, renderIamPolicy } from '../src/app/iam-policy.js';
import { servicesDoc } from '../src/app/services-doc.js';

const docs = join(import.meta.dirname, '..', 'docs');
writeFileSync(
  join(docs, 'services.md'),
  await format(servicesDoc(), { parser: 'markdown', proseWrap: 'preserve' }),
);
writeFileSync(
  join(docs, 'iam-policy.json'),
  renderIamPolicy(iamPolicy({ requests: true, roleName: 'OrganizationAccountAccessRole' })),
);
