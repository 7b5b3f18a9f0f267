/**
 * A minimal XML writer for the documents we produce: elements with attributes and either text or
 * children, serialized deterministically (same tree, same bytes) with two-space indentation.
 *
 * Empty values never become empty elements (Peppol PEPPOL-EN16931-R008): `leaf` returns null for
 * a missing or blank value and `group` returns null when none of its children exist, and null
 * children are skipped.
 */

export interface XNode {
  name: string;
  attrs: ReadonlyArray<readonly [string, string]>;
  children: readonly XNode[];
  text: string | null;
}

export type Attrs = ReadonlyArray<readonly [string, string | null | undefined]>;

function cleanAttrs(attrs: Attrs | undefined): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const [name, value] of attrs ?? []) {
    if (value === null || value === undefined) continue;
    const v = value.trim();
    if (v !== '') out.push([name, v]);
  }
  return out;
}

/** An element holding text; null when the value is null or blank. */
export function leaf(name: string, value: string | null | undefined, attrs?: Attrs): XNode | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  return { name, attrs: cleanAttrs(attrs), children: [], text: value };
}

/** An element holding child elements; null when none of them exist. */
export function group(name: string, children: ReadonlyArray<XNode | null | undefined | ReadonlyArray<XNode | null>>, attrs?: Attrs): XNode | null {
  const kept: XNode[] = [];
  for (const child of children) {
    if (Array.isArray(child)) {
      for (const c of child as ReadonlyArray<XNode | null>) if (c) kept.push(c);
    } else if (child) {
      kept.push(child as XNode);
    }
  }
  if (kept.length === 0) return null;
  return { name, attrs: cleanAttrs(attrs), children: kept, text: null };
}

/** Characters XML 1.0 cannot carry (controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
// eslint-disable-next-line no-control-regex
const ILLEGAL_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeText(value: string): string {
  return value.replace(ILLEGAL_XML_CHARS, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

export function escapeAttr(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function write(node: XNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  let open = `${pad}<${node.name}`;
  for (const [name, value] of node.attrs) open += ` ${name}="${escapeAttr(value)}"`;
  if (node.text !== null) {
    out.push(`${open}>${escapeText(node.text)}</${node.name}>\n`);
    return;
  }
  out.push(`${open}>\n`);
  for (const child of node.children) write(child, depth + 1, out);
  out.push(`${pad}</${node.name}>\n`);
}

/** The document as UTF-8 bytes, with an XML declaration. */
export function serializeXml(root: XNode): Buffer {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  write(root, 0, out);
  return Buffer.from(out.join(''), 'utf8');
}
