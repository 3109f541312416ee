/**
 * Writes the generated docs: docs/services.md (usage counters), docs/iam-policy.json and
 * docs/openapi.json (the API of `headroom serve`).
 */
import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { join } from 'node:path';
import { iamPolicy, renderIamPolicy } from '../src/app/iam-policy.js';
import { servicesDoc } from '../src/app/services-doc.js';
import { apiDocument } from '../src/server/routes/api/index.js';
import { HEADROOM_VERSION } from '../src/server/version.js';

const docs = join(import.meta.dirname, '..', 'docs');
writeFileSync(
  join(docs, 'services.md'),
  await format(servicesDoc(), { parser: 'markdown', proseWrap: 'preserve' }),
);
writeFileSync(
  join(docs, 'iam-policy.json'),
  renderIamPolicy(iamPolicy({ requests: true, roleName: 'OrganizationAccountAccessRole' })),
);
writeFileSync(join(docs, 'openapi.json'), `${JSON.stringify(apiDocument(HEADROOM_VERSION), null, 2)}\n`);
