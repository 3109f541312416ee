/**
 * A requirements file for `headroom check`: quotas a deployment needs that no plan shows, as a
 * YAML list of `- quota: SERVICE/CODE` with `need: +32` (that much more than is used now) or
 * `need: 32` (that much in all). Bad input is one `HR_CHECK_INPUT` naming the file, line and
 * field. Pure.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Scalar } from 'yaml';
import { InputError } from '../domain/errors.js';
import { splitQuotaKey } from '../domain/quota.js';

export interface Requirement {
  readonly serviceCode: string;
  readonly quotaCode: string;
  /** `delta`: added to what is used now; `total`: what must fit in all. */
  readonly kind: 'delta' | 'total';
  readonly amount: number;
  /** Where it was written: `needs.yaml:3`. */
  readonly from: string;
}

const EXAMPLE =
  'write each as `- quota: ec2/L-1216C47A` with `need: +32` (more than now) or `need: 32` (in all)';

export function parseRequirements(text: string, source: string): Requirement[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (offset: number | undefined) =>
    `${source}:${offset === undefined ? 1 : lines.linePos(offset).line}`;
  const fail = (where: string, problem: string) =>
    new InputError('HR_CHECK_INPUT', `${where}: ${problem}`, { hint: EXAMPLE });
  if (doc.errors.length > 0) {
    const [error] = doc.errors;
    throw fail(at(error?.pos[0]), `is not YAML (${error?.message.split('\n')[0] ?? ''})`);
  }
  if (doc.contents === null) return [];
  if (!isSeq(doc.contents)) throw fail(at(doc.contents.range[0]), 'must be a list of requirements');
  return doc.contents.items.map((item, index) => {
    const where = at(isMap(item) || isScalar(item) ? item.range[0] : undefined);
    if (!isMap(item)) throw fail(where, `item ${index} must be a mapping with quota and need`);
    const keys = item.items.map((pair) => (isScalar(pair.key) ? String(pair.key.value) : '?'));
    const stray = keys.find((key) => key !== 'quota' && key !== 'need');
    if (stray !== undefined) throw fail(where, `item ${index}: ${stray} is not a field (quota and need are)`);
    const quota = item.get('quota');
    const found = typeof quota === 'string' ? splitQuotaKey(quota) : null;
    if (found === null) {
      throw fail(
        where,
        `item ${index}: quota must be SERVICE/QUOTA_CODE such as ec2/L-1216C47A (got ${JSON.stringify(quota ?? null)})`,
      );
    }
    const need = item.get('need', true) as Scalar | undefined;
    const written = need === undefined ? '' : String(need.source ?? need.value).trim();
    const match = /^([+]?)(\d+(?:\.\d+)?)$/.exec(written);
    if (need === undefined || match === null) {
      throw fail(
        where,
        `item ${index} (${String(quota)}): need must be +N (more than now) or N (in all) (got ${written === '' ? 'nothing' : written})`,
      );
    }
    return {
      ...found,
      kind: match[1] === '+' ? 'delta' : 'total',
      amount: Number(match[2]),
      from: where,
    };
  });
}
