/**
 * A UBL Invoice or CreditNote with the queries rules need: paths in the usual `cac:`/`cbc:`
 * prefixes (resolved to namespaces, whatever prefixes the sender used), text, decimals and the
 * location of an element for reports. Paths are compiled once and cached.
 */
import { UBL_NS } from '../classify.ts';
import type { XmlElement } from '../safe-xml.ts';
import { buildXmlIndex, type XmlIndex } from './rules/cen/support/xml-index.ts';

export const PREFIXES: Readonly<Record<string, string>> = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  ext: 'urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2',
};

interface Step {
  ns: string | null;
  local: string;
  /** `*` matches any child element. */
  any: boolean;
}

const compiled = new Map<string, Step[]>();

function compile(path: string): Step[] {
  let steps = compiled.get(path);
  if (steps) return steps;
  steps = path
    .split('/')
    .filter((s) => s !== '')
    .map((step) => {
      if (step === '*') return { ns: null, local: '*', any: true };
      const colon = step.indexOf(':');
      if (colon < 0) throw new Error(`Path step "${step}" in "${path}" needs a prefix (cac:, cbc:, ext:)`);
      const ns = PREFIXES[step.slice(0, colon)];
      if (!ns) throw new Error(`Unknown prefix in path step "${step}"`);
      return { ns, local: step.slice(colon + 1), any: false };
    });
  compiled.set(path, steps);
  return steps;
}

function matches(el: XmlElement, step: Step): boolean {
  return step.any || (el.local === step.local && el.ns === step.ns);
}

export type UblDocumentType = 'Invoice' | 'CreditNote';

export class UblDocument {
  readonly root: XmlElement;
  readonly type: UblDocumentType;
  #index: XmlIndex | null = null;
  #state: Map<object, unknown> | null = null;

  constructor(root: XmlElement) {
    this.root = root;
    this.type = root.ns === UBL_NS.creditNote ? 'CreditNote' : 'Invoice';
  }

  get isCreditNote(): boolean {
    return this.type === 'CreditNote';
  }

  /** `InvoiceLine` or `CreditNoteLine` elements. */
  lines(): XmlElement[] {
    return this.all(this.root, this.isCreditNote ? 'cac:CreditNoteLine' : 'cac:InvoiceLine');
  }

  /** `cbc:InvoiceTypeCode` or `cbc:CreditNoteTypeCode` text. */
  typeCode(): string | null {
    return this.text(this.root, this.isCreditNote ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode');
  }

  /** `cbc:InvoicedQuantity` or `cbc:CreditedQuantity` of a line. */
  quantityPath(): string {
    return this.isCreditNote ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity';
  }

  /** Every element reached by the path from `from` (all matches at every step). */
  all(from: XmlElement | null, path: string): XmlElement[] {
    if (!from) return [];
    let current: XmlElement[] = [from];
    for (const step of compile(path)) {
      const next: XmlElement[] = [];
      for (const el of current) for (const child of el.children) if (matches(child, step)) next.push(child);
      if (next.length === 0) return next;
      current = next;
    }
    return current;
  }

  first(from: XmlElement | null, path: string): XmlElement | null {
    if (!from) return null;
    const steps = compile(path);
    const walk = (el: XmlElement, i: number): XmlElement | null => {
      if (i === steps.length) return el;
      const step = steps[i]!;
      for (const child of el.children) {
        if (!matches(child, step)) continue;
        const found = walk(child, i + 1);
        if (found) return found;
      }
      return null;
    };
    return walk(from, 0);
  }

  exists(from: XmlElement | null, path: string): boolean {
    return this.first(from, path) !== null;
  }

  /** Trimmed text of the first match, or null when absent or empty. */
  text(from: XmlElement | null, path: string): string | null {
    const el = this.first(from, path);
    if (!el) return null;
    const t = el.text.trim();
    return t === '' ? null : t;
  }

  /** Text of every match (empty ones included, trimmed). */
  texts(from: XmlElement | null, path: string): string[] {
    return this.all(from, path).map((el) => el.text.trim());
  }

  attr(el: XmlElement | null, name: string): string | null {
    return el?.attrs[name] ?? null;
  }

  /**
   * One walk over the document, built on first use and shared by every rule module (and every rule
   * set validating the same tree): all elements in document order, elements by namespace and local
   * name, parents.
   */
  get index(): XmlIndex {
    return (this.#index ??= buildXmlIndex(this.root));
  }

  /**
   * Per-document state of a rule module (its element selections, the schematron's variables, …),
   * created on first use under `key` and dropped with this document. Kept here rather than in a
   * module-level WeakMap: V8's young-generation collector treats WeakMap values as strong, so
   * per-document data cached that way survives (and is copied) until the next full collection.
   */
  state<T>(key: object, create: (doc: UblDocument) => T): T {
    const states = (this.#state ??= new Map());
    if (states.has(key)) return states.get(key) as T;
    const value = create(this);
    states.set(key, value);
    return value;
  }

  parent(el: XmlElement): XmlElement | null {
    return this.index.parent(el);
  }

  /** `/Invoice/cac:InvoiceLine[2]/cbc:ID`: positions among same-named siblings, 1-based, shown when > 1 sibling. */
  locate(el: XmlElement | null): string {
    if (!el) return `/${this.type}`;
    const parts: string[] = [];
    let node: XmlElement | null = el;
    while (node && node !== this.root) {
      const parent = this.parent(node);
      const name = prefixed(node);
      if (parent) {
        const same = parent.children.filter((c) => c.local === node!.local && c.ns === node!.ns);
        parts.push(same.length > 1 ? `${name}[${same.indexOf(node) + 1}]` : name);
      } else {
        parts.push(name);
      }
      node = parent;
    }
    parts.push(this.type);
    return `/${parts.reverse().join('/')}`;
  }
}

function prefixed(el: XmlElement): string {
  for (const [prefix, ns] of Object.entries(PREFIXES)) if (el.ns === ns) return `${prefix}:${el.local}`;
  return el.name;
}
