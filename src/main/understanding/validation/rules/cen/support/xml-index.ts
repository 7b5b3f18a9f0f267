/**
 * One walk over a parsed document, cached per root element: every element by name in document
 * order (what XPath `//cac:X` returns), parents (for `..` and `ancestor::`), and which attributes
 * occur where (for `//@name`). Rule sets validating the same tree share it.
 */
import type { XmlElement } from '../../../../safe-xml.ts';

export interface XmlIndex {
  readonly root: XmlElement;
  /** Every element, in document order (the root first). */
  readonly elements: readonly XmlElement[];
  /** Every element with this namespace and local name, in document order (XPath `//p:local`). */
  byName(ns: string | null, local: string): readonly XmlElement[];
  parent(el: XmlElement): XmlElement | null;
  /** The nearest ancestor with this name, or null. */
  ancestor(el: XmlElement, ns: string, local: string): XmlElement | null;
  /** The first element (document order) carrying an unprefixed attribute of this name (XPath `//@name`). */
  attrOwner(name: string): XmlElement | null;
  /** How many elements carry an unprefixed attribute of this name. */
  attrCount(name: string): number;
}

const EMPTY: readonly XmlElement[] = Object.freeze([]);
const cache = new WeakMap<XmlElement, XmlIndex>();


export function indexXml(root: XmlElement): XmlIndex {
  const cached = cache.get(root);
  if (cached) return cached;
  const elements: XmlElement[] = [];
  // Two levels (namespace, then local name) rather than a concatenated key: lookups then hash
  // strings V8 has already hashed, instead of building and hashing a new long string each time.
  const names = new Map<string | null, Map<string, XmlElement[]>>();
  const parents = new Map<XmlElement, XmlElement>();
  let attrFirst: Map<string, XmlElement> | null = null;
  let attrCounts: Map<string, number> | null = null;
  /** Attributes are indexed on first use (few rules ask). */
  const attributes = (): [Map<string, XmlElement>, Map<string, number>] => {
    if (!attrFirst || !attrCounts) {
      attrFirst = new Map();
      attrCounts = new Map();
      for (const el of elements) {
        for (const name in el.attrs) {
          if (!attrFirst.has(name)) attrFirst.set(name, el);
          attrCounts.set(name, (attrCounts.get(name) ?? 0) + 1);
        }
      }
    }
    return [attrFirst, attrCounts];
  };
  const visit = (el: XmlElement): void => {
    elements.push(el);
    let byLocal = names.get(el.ns);
    if (!byLocal) {
      byLocal = new Map();
      names.set(el.ns, byLocal);
    }
    const list = byLocal.get(el.local);
    if (list) list.push(el);
    else byLocal.set(el.local, [el]);
    for (const child of el.children) {
      parents.set(child, el);
      visit(child);
    }
  };
  visit(root);
  const index: XmlIndex = {
    root,
    elements,
    byName: (ns, local) => names.get(ns)?.get(local) ?? EMPTY,
    parent: (el) => parents.get(el) ?? null,
    ancestor(el, ns, local) {
      for (let p = parents.get(el); p; p = parents.get(p)) if (p.local === local && p.ns === ns) return p;
      return null;
    },
    attrOwner: (name) => attributes()[0].get(name) ?? null,
    attrCount: (name) => attributes()[1].get(name) ?? 0,
  };
  cache.set(root, index);
  return index;
}
