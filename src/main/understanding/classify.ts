/**
 * What is this file? Decided by CONTENT, never by its name or extension.
 *
 *   %PDF- in the first 1024 bytes            -> pdf
 *   FF D8 FF / 89 50 4E 47 / II*\0 / MM\0*   -> image (jpeg / png / tiff)
 *   PK\x03\x04 (or an empty ZIP)             -> archive (expanded by inspect.ts with limits)
 *   XML (UTF-8 ± BOM, UTF-16, 8-bit)         -> UBL Invoice / CreditNote (format from CustomizationID),
 *                                              camt.053 (any .001.NN), or unknown
 *   CODA / MT940 text                        -> bank-statement (sniffers from ./statements/detect.ts)
 *   anything else                            -> unknown
 *
 * See ../shared/facts/formats.md §1.2 (CustomizationID values), §2 (UBL.BE / e-FFF), §3 (NLCIUS),
 * §6 (camt.053 namespaces).
 */
import { looksLikeCoda, looksLikeMt940 } from './statements/detect.ts';
import { buildXmlTree, checkXmlBytes, childElement, detectXmlEncoding, elementText, sniffXmlRoot } from './safe-xml.ts';
import type { SafeXmlResult, XmlElement, XmlLimits, XmlRootInfo } from './safe-xml.ts';
import { finding } from './types.ts';
import type { DocumentFormat, DocumentKind, Finding, InspectError, UblFormat } from './types.ts';

export const UBL_NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

export const SBDH_NS = 'http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader';
const CAMT_NS = /^urn:iso:std:iso:20022:tech:xsd:(camt\.0(5[234]))\.001\.(\d{2})$/;
const CII_NS = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';

export const CUSTOMIZATION_IDS = {
  peppolBis3: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0',
  peppolSelfBilling: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:selfbilling:3.0',
  ublBePrefix: 'urn:cen.eu:en16931:2017#conformant#urn:UBL.BE:',
  nlciusPrefix: 'urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:',
  en16931: 'urn:cen.eu:en16931:2017',
} as const;

/** How many leading bytes the magic-number checks need (PDF may start anywhere in the first 1024). */
export const SNIFF_BYTES = 1024;

// ---------------------------------------------------------------------------------------------
// Magic numbers
// ---------------------------------------------------------------------------------------------

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

function startsWithBytes(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i += 1) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

/** %PDF- within the first 1024 bytes (readers accept leading junk there). */
export function hasPdfMagic(bytes: Uint8Array): boolean {
  const limit = Math.min(bytes.length, SNIFF_BYTES) - PDF_MAGIC.length;
  for (let i = 0; i <= limit; i += 1) {
    if (bytes[i] === 0x25 && startsWithBytes(bytes, PDF_MAGIC, i)) return true;
  }
  return false;
}

export function startsWithPdf(bytes: Uint8Array): boolean {
  return startsWithBytes(bytes, PDF_MAGIC);
}

export function isZip(bytes: Uint8Array): boolean {
  return startsWithBytes(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWithBytes(bytes, [0x50, 0x4b, 0x05, 0x06]);
}

export interface MagicMatch {
  kind: 'pdf' | 'image' | 'archive';
  format: 'pdf' | 'jpeg' | 'png' | 'tiff' | 'zip';
}

/** Binary formats recognised from their first bytes; null for everything else (text, XML, garbage). */
export function sniffMagic(bytes: Uint8Array): MagicMatch | null {
  if (startsWithBytes(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
  if (startsWithBytes(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', format: 'png' };
  if (startsWithBytes(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWithBytes(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return { kind: 'image', format: 'tiff' };
  if (isZip(bytes)) return { kind: 'archive', format: 'zip' };
  if (hasPdfMagic(bytes)) return { kind: 'pdf', format: 'pdf' };
  return null;
}

// ---------------------------------------------------------------------------------------------
// UBL format from CustomizationID
// ---------------------------------------------------------------------------------------------

export interface UblFormatResult {
  format: UblFormat;
  customizationId: string | null;
  findings: Finding[];
}

/** Which rule set a UBL document claims, from its cbc:CustomizationID (BT-24) and cbc:ProfileID (BT-23). */
export function ublFormatFor(customizationIdRaw: string | null, profileIdRaw: string | null = null): UblFormatResult {
  const findings: Finding[] = [];
  const id = customizationIdRaw === null ? null : customizationIdRaw.trim();
  const profile = profileIdRaw?.trim() ?? null;
  if (customizationIdRaw !== null && id !== customizationIdRaw && id !== '') {
    findings.push(finding('customization-id-whitespace', 'warning', 'The CustomizationID has spaces or line breaks around it; they were ignored to recognise the format.'));
  }
  const result = (format: UblFormat): UblFormatResult => ({ format, customizationId: id === '' ? null : id, findings });
  if (!id) {
    if (profile?.toLowerCase() === 'e-fff') {
      findings.push(finding('efff-1', 'info', 'e-FFF 1.0 document (UBL 2.0, ProfileID "e-fff"): the older Belgian format, succeeded by UBL.BE.'));
      return result('ubl-be');
    }
    findings.push(finding('customization-id-missing', 'info', 'The document has no CustomizationID, so it does not say which e-invoicing rules it follows.'));
    return result('ubl');
  }
  if (id === CUSTOMIZATION_IDS.peppolBis3) return result('peppol-bis-3');
  if (id === CUSTOMIZATION_IDS.peppolSelfBilling) return result('peppol-selfbilling');
  if (id.startsWith(CUSTOMIZATION_IDS.ublBePrefix)) return result('ubl-be');
  if (id.startsWith(CUSTOMIZATION_IDS.nlciusPrefix)) return result('nlcius');
  if (id === CUSTOMIZATION_IDS.en16931 || id.startsWith(`${CUSTOMIZATION_IDS.en16931}#`)) {
    if (id.includes('urn:fdc:peppol.eu:2017:poacc:')) {
      findings.push(finding('customization-id-peppol-variant', 'warning', `The CustomizationID "${id}" looks like Peppol but is not the Peppol BIS Billing 3.0 value; treated as another EN 16931 specification.`));
    }
    return result('en16931');
  }
  if (profile?.toLowerCase() === 'e-fff') {
    findings.push(finding('efff-1', 'info', `e-FFF 1.0 document (CustomizationID "${id}", ProfileID "e-fff"): the older Belgian format, succeeded by UBL.BE.`));
    return result('ubl-be');
  }
  findings.push(finding('customization-id-unknown', 'info', `The CustomizationID "${id.slice(0, 200)}" is not one of the known e-invoicing specifications.`));
  return result('ubl');
}

// ---------------------------------------------------------------------------------------------
// XML root -> kind
// ---------------------------------------------------------------------------------------------

export interface RootKind {
  kind: DocumentKind;
  /** For camt: e.g. "camt.053.001.02". */
  version: string | null;
  findings: Finding[];
}

/** What an XML root element says the document is (before looking inside). */
export function kindForXmlRoot(root: XmlRootInfo): RootKind {
  if (root.local === 'Invoice' && root.ns === UBL_NS.invoice) return { kind: 'invoice', version: null, findings: [] };
  if (root.local === 'CreditNote' && root.ns === UBL_NS.creditNote) return { kind: 'credit-note', version: null, findings: [] };
  const camt = root.ns ? CAMT_NS.exec(root.ns) : null;
  if (camt && root.local === 'Document') {
    const message = camt[1] ?? '';
    const version = `${message}.001.${camt[3] ?? ''}`;
    if (message === 'camt.053') {
      const n = Number(camt[3]);
      const findings = n >= 2 && n <= 8 ? [] : [finding('camt053-version-untested', 'warning', `Bank statement in ${version}; versions .02 to .08 are the ones tested.`)];
      return { kind: 'bank-statement', version, findings };
    }
    const what = message === 'camt.052' ? 'an intraday account report (camt.052)' : 'a debit/credit notification (camt.054)';
    return { kind: 'unknown', version, findings: [finding('camt-not-statement', 'warning', `This is ${what}, not an end-of-day bank statement (camt.053).`)] };
  }
  if (root.ns === CII_NS) {
    return { kind: 'unknown', version: null, findings: [finding('cii-not-supported', 'warning', 'This is a UN/CEFACT Cross Industry Invoice (CII, e.g. Factur-X/ZUGFeRD XML); only UBL invoices are understood for now.')] };
  }
  const label = root.ns ? `{${root.ns}}${root.local}` : root.local;
  return { kind: 'unknown', version: null, findings: [finding('xml-unrecognised', 'info', `An XML document of an unrecognised type (root element ${label.slice(0, 200)}).`)] };
}

/** The business document inside a Peppol Standard Business Document envelope, or null. */
export function unwrapSbdh(root: XmlElement): XmlElement | null {
  if (root.local !== 'StandardBusinessDocument' || root.ns !== SBDH_NS) return null;
  return root.children.find((c) => !(c.local === 'StandardBusinessDocumentHeader' && c.ns === SBDH_NS)) ?? null;
}

// ---------------------------------------------------------------------------------------------
// Whole-content classification
// ---------------------------------------------------------------------------------------------

export interface Classification {
  kind: DocumentKind;
  format: DocumentFormat | null;
  findings: Finding[];
  error: InspectError | null;
  /** The UBL document element (Invoice/CreditNote) when kind is invoice or credit-note and it parsed. */
  ubl: XmlElement | null;
  /** Decoded text for bank statements (XML text for camt.053), else null. */
  text: string | null;
}

function latin1(bytes: Uint8Array, max = bytes.length): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, max)).toString('latin1');
}

/** Text of the first bytes, decoded the way an XML sniff needs it (UTF-16 aware). */
function headText(bytes: Uint8Array, max = 8192): string {
  const { encoding, bomLength } = detectXmlEncoding(bytes);
  const slice = bytes.subarray(bomLength, Math.min(bytes.length, bomLength + max));
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    return new TextDecoder(encoding, { ignoreBOM: true }).decode(slice.subarray(0, slice.length - (slice.length % 2)));
  }
  return latin1(slice);
}

function looksLikeXml(head: string): boolean {
  return /^\s*</.test(head);
}

export function decodeStatementText(bytes: Uint8Array, format: 'coda' | 'mt940'): string {
  let start = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const body = bytes.subarray(start);
  if (format === 'mt940') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      // fall through to windows-1252
    }
  }
  // CODA is latin-1 / windows-1252 in practice (formats.md §5).
  return new TextDecoder('windows-1252').decode(body);
}

function fail(kind: DocumentKind, result: Extract<SafeXmlResult, { ok: false }>): Classification {
  return { kind, format: null, findings: result.findings, error: { code: result.error.code, message: result.error.message }, ubl: null, text: null };
}

/**
 * Classifies a whole file held in memory. XML is parsed (safely) once; the parsed UBL element and
 * the decoded statement text are handed back so nothing is read twice.
 */
export function classifyBytes(bytes: Uint8Array, xmlLimits?: Partial<XmlLimits>): Classification {
  const magic = sniffMagic(bytes);
  if (magic) return { kind: magic.kind, format: magic.format, findings: [], error: null, ubl: null, text: null };

  const head = headText(bytes);
  if (/^\s*(?:<!DOCTYPE\s+html\b|<html[\s>])/i.test(head)) {
    return { kind: 'unknown', format: null, findings: [finding('html-document', 'info', 'A web page (HTML), not an invoice or bank statement.')], error: null, ubl: null, text: null };
  }
  if (looksLikeXml(head)) return classifyXml(bytes, xmlLimits);

  const latinHead = latin1(bytes, 8192);
  if (looksLikeCoda(latinHead)) {
    return { kind: 'bank-statement', format: 'coda', findings: [], error: null, ubl: null, text: decodeStatementText(bytes, 'coda') };
  }
  if (looksLikeMt940(latinHead)) {
    return { kind: 'bank-statement', format: 'mt940', findings: [], error: null, ubl: null, text: decodeStatementText(bytes, 'mt940') };
  }
  return { kind: 'unknown', format: null, findings: [unknownFinding(bytes)], error: null, ubl: null, text: null };
}

function unknownFinding(bytes: Uint8Array): Finding {
  if (bytes.length === 0) return finding('empty-file', 'warning', 'The file is empty.');
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of sample) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1a)) control += 1;
  return control > 0
    ? finding('unrecognised-binary', 'info', 'A binary file of an unrecognised type (not a PDF, image, ZIP, invoice or bank statement).')
    : finding('unrecognised-text', 'info', 'A text file of an unrecognised type (not an invoice or bank statement).');
}

/** The documents whose tree classifyXml reads (UBL Invoice / CreditNote, Peppol SBDH envelope): built during the check. */
function readsTree(root: XmlRootInfo): boolean {
  return (
    (root.local === 'Invoice' && root.ns === UBL_NS.invoice) ||
    (root.local === 'CreditNote' && root.ns === UBL_NS.creditNote) ||
    (root.local === 'StandardBusinessDocument' && root.ns === SBDH_NS)
  );
}

function classifyXml(bytes: Uint8Array, xmlLimits?: Partial<XmlLimits>): Classification {
  const checked = checkXmlBytes(bytes, xmlLimits, readsTree);
  if (!checked.ok) {
    // A truncated invoice is still recognisably an invoice; refused (hostile) XML is not looked into.
    const hint = checked.error.code === 'xml-malformed' && checked.rootInfo ? kindForXmlRoot(checked.rootInfo).kind : 'unknown';
    return fail(hint, checked);
  }
  const rootKind0 = kindForXmlRoot(checked.rootInfo);
  const isSbdh = checked.rootInfo.local === 'StandardBusinessDocument' && checked.rootInfo.ns === SBDH_NS;
  if (rootKind0.kind === 'bank-statement') {
    // Parsed by ./statements (its own tree); no need to build one here.
    return { kind: 'bank-statement', format: 'camt053', findings: [...checked.findings, ...rootKind0.findings], error: null, ubl: null, text: stripBom(checked.text) };
  }
  if (rootKind0.kind !== 'invoice' && rootKind0.kind !== 'credit-note' && !isSbdh) {
    return { kind: 'unknown', format: null, findings: [...checked.findings, ...rootKind0.findings], error: null, ubl: null, text: null };
  }
  const parsed = buildXmlTree(checked);
  if (!parsed.ok) return fail(rootKind0.kind, parsed);
  const findings = [...parsed.findings];
  let doc = parsed.root;
  let rootInfo: XmlRootInfo = parsed.rootInfo;
  const inner = isSbdh ? unwrapSbdh(doc) : null;
  if (inner) {
    doc = inner;
    rootInfo = { name: inner.name, local: inner.local, ns: inner.ns };
    findings.push(finding('sbdh-unwrapped', 'info', 'The document was wrapped in a Peppol Standard Business Document Header; the document inside was read.'));
  }
  const rootKind = kindForXmlRoot(rootInfo);
  findings.push(...rootKind.findings);
  if (rootKind.kind === 'invoice' || rootKind.kind === 'credit-note') {
    const cbc = UBL_NS.cbc;
    const customization = childElement(doc, cbc, 'CustomizationID');
    const profile = elementText(childElement(doc, cbc, 'ProfileID'));
    const ubl = ublFormatFor(customization ? customization.text : null, profile);
    findings.push(...ubl.findings);
    return { kind: rootKind.kind, format: ubl.format, findings, error: null, ubl: doc, text: null };
  }
  return { kind: 'unknown', format: null, findings, error: null, ubl: null, text: null };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Best guess from the first bytes only, for files too large to read whole: magic numbers, the XML
 * root element, CODA / MT940 sniffers. Never parses anything.
 */
export function classifyHead(head: Uint8Array): { kind: DocumentKind; format: DocumentFormat | null } {
  const magic = sniffMagic(head);
  if (magic) return magic;
  const text = headText(head);
  if (looksLikeXml(text)) {
    const root = sniffXmlRoot(text);
    if (!root) return { kind: 'unknown', format: null };
    const k = kindForXmlRoot(root);
    return { kind: k.kind, format: k.kind === 'bank-statement' ? 'camt053' : null };
  }
  const latinHead = latin1(head, 8192);
  if (looksLikeCoda(latinHead)) return { kind: 'bank-statement', format: 'coda' };
  if (looksLikeMt940(latinHead)) return { kind: 'bank-statement', format: 'mt940' };
  return { kind: 'unknown', format: null };
}
