/**
 * A small XML writer for the XML protocols (query, EC2 query, REST-XML). Values map to elements
 * the way the AWS serializers expect: arrays become <member> children (or the member name the
 * model gives, with `xmlList`), Dates ISO 8601, objects nested elements, `undefined` and `null`
 * are left out.
 */

const LIST_MEMBER = Symbol('xml list member name');

/** A list whose items are written as <`member`> elements: EC2's <item>, Route 53's <HostedZone>. */
export interface XmlList {
  readonly [LIST_MEMBER]: string;
  readonly items: readonly unknown[];
}

export function xmlList(member: string, items: readonly unknown[]): XmlList {
  return { [LIST_MEMBER]: member, items };
}

function isXmlList(value: unknown): value is XmlList {
  return typeof value === 'object' && value !== null && LIST_MEMBER in value;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\r/g, '&#xD;');
}

function formatXmlValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  // String(5) is "5": both integer and double parsers in the SDKs and botocore accept it.
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeXml(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  throw new TypeError(`cannot write ${typeof value} as XML text`);
}

export function xmlElement(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (isXmlList(value)) {
    const member = value[LIST_MEMBER];
    return `<${name}>${value.items.map((item: unknown) => xmlElement(member, item)).join('')}</${name}>`;
  }
  if (Array.isArray(value)) {
    return `<${name}>${value.map((item: unknown) => xmlElement('member', item)).join('')}</${name}>`;
  }
  if (typeof value === 'object' && !(value instanceof Date)) {
    return `<${name}>${xmlChildren(value as Record<string, unknown>)}</${name}>`;
  }
  return `<${name}>${formatXmlValue(value)}</${name}>`;
}

export function xmlChildren(record: Record<string, unknown>): string {
  return Object.entries(record)
    .map(([key, child]) => xmlElement(key, child))
    .join('');
}
