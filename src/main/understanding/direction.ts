/**
 * Sales or purchase, for one client (formats.md §8): the seller is always AccountingSupplierParty
 * and the buyer AccountingCustomerParty — for credit notes and self-billing too. The client is
 * matched on normalised identifiers (endpoint with its scheme, VAT id, legal company id), so
 * BE0123.456.749, 0123456749 and 9925:BE0123456749 are the same party.
 *
 *   client == supplier only  -> 'sales'
 *   client == customer only  -> 'purchase'
 *   both or neither          -> 'unknown' (needs review)
 */
import { normalizeDocumentIdentifier, normalizeIdentifier } from './identifiers.ts';
import type { NormalizedIdentifier } from './identifiers.ts';
import { finding } from './types.ts';
import type { Direction, Finding } from './types.ts';

/** The party fields directionFor reads (a subset of InvoiceParty in invoice.ts). */
export interface PartyIds {
  name?: string | null;
  endpointId: string | null;
  endpointScheme: string | null;
  vatId: string | null;
  companyId: string | null;
}

export interface DirectionInput {
  supplier: PartyIds | null;
  customer: PartyIds | null;
}

export interface DirectionExplained {
  direction: Direction;
  /** Keys of the client that matched the supplier / the customer. */
  supplierMatches: string[];
  customerMatches: string[];
  findings: Finding[];
}

function partyIdentifiers(party: PartyIds | null): NormalizedIdentifier[] {
  if (!party) return [];
  const out: NormalizedIdentifier[] = [];
  if (party.endpointId) out.push(normalizeDocumentIdentifier(party.endpointId, party.endpointScheme));
  if (party.vatId) out.push(normalizeDocumentIdentifier(party.vatId, null));
  if (party.companyId) out.push(normalizeDocumentIdentifier(party.companyId, null));
  return out;
}

function matches(clientKeys: ReadonlySet<string>, ids: readonly NormalizedIdentifier[]): string[] {
  const hit = new Set<string>();
  for (const id of ids) if (id.key !== null && clientKeys.has(id.key)) hit.add(id.key);
  return [...hit];
}

/** Direction plus what matched and which identifiers were invalid (reported, never matched). */
export function explainDirection(invoice: DirectionInput, clientIdentifiers: readonly string[]): DirectionExplained {
  const findings: Finding[] = [];
  const clientKeys = new Set<string>();
  for (const raw of clientIdentifiers) {
    if (raw.trim() === '') continue;
    const id = normalizeIdentifier(raw);
    if (id.key !== null) clientKeys.add(id.key);
    else findings.push(finding('client-id-invalid', 'warning', `The client identifier "${raw}" is not valid and was not used for matching: ${id.problem ?? 'unrecognised'}`));
  }
  const supplierIds = partyIdentifiers(invoice.supplier);
  const customerIds = partyIdentifiers(invoice.customer);
  for (const [role, ids] of [['supplier', supplierIds], ['customer', customerIds]] as const) {
    for (const id of ids) {
      if (!id.valid && id.problem) findings.push(finding('party-id-invalid', 'warning', `The ${role}'s identifier "${id.input}" is not valid: ${id.problem}`));
    }
  }
  const supplierMatches = matches(clientKeys, supplierIds);
  const customerMatches = matches(clientKeys, customerIds);
  let direction: Direction = 'unknown';
  if (supplierMatches.length > 0 && customerMatches.length === 0) direction = 'sales';
  else if (customerMatches.length > 0 && supplierMatches.length === 0) direction = 'purchase';
  else if (supplierMatches.length > 0 && customerMatches.length > 0) {
    findings.push(finding('direction-ambiguous', 'warning', 'The client is both the supplier and the customer of this document; sales or purchase needs a person to decide.'));
  } else if (clientKeys.size > 0) {
    findings.push(finding('direction-no-match', 'info', 'The client is neither the supplier nor the customer of this document (no identifier matched).'));
  }
  return { direction, supplierMatches, customerMatches, findings };
}

/** 'sales' when the client is the supplier, 'purchase' when it is the customer, else 'unknown'. */
export function directionFor(invoice: DirectionInput, clientIdentifiers: readonly string[]): Direction {
  return explainDirection(invoice, clientIdentifiers).direction;
}
