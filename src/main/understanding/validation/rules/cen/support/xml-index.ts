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
  /** The given elements (of this document) in document order. */
  inDocumentOrder(elements: Iterable<XmlElement>): XmlElement[];
}

const EMPTY: readonly XmlElement[] = Object.freeze([]);
const cache = new WeakMap<XmlElement, XmlIndex>();

/**
 * The index of a tree, cached on its root element. Validation does not use this cache: it keeps the
 * index on its UblDocument (see buildXmlIndex), because V8's young-generation collector keeps every
 * WeakMap value alive until the next full collection, so an index per document cached here would
 * outlive its document.
 */
export function indexXml(root: XmlElement): XmlIndex {
  let index = cache.get(root);
  if (!index) {
    index = buildXmlIndex(root);
    cache.set(root, index);
  }
  return index;
}

/** Builds the index of a tree (not cached). */
export function buildXmlIndex(root: XmlElement): XmlIndex {
  const elements: XmlElement[] = [];
  // Two levels (namespace, then local name) rather than a concatenated key: lookups then hash
  // strings V8 has already hashed, instead of building and hashing a new long string each time.
  const names = new Map<string | null, Map<string, XmlElement[]>>();
  const parents = new Map<XmlElement, XmlElement>();
  let attrFirst: Map<string, XmlElement> | null = null;
  let attrCounts: Map<string, number> | null = null;
  /** Document-order positions, built on first use. */
  let positions: Map<XmlElement, number> | null = null;
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
    inDocumentOrder(list) {
      if (!positions) {
        positions = new Map();
        for (let i = 0; i < elements.length; i += 1) positions.set(elements[i]!, i);
      }
      const at = positions;
      return [...list].sort((a, b) => (at.get(a) ?? -1) - (at.get(b) ?? -1));
    },
  };
  return index;
}
