/**
 * Import sync accounts (GetMyInvoices, CodaBox, …): services the accountant's clients already use,
 * from which Ledgerdrop pulls documents. A connector for such a service implements `SyncSource`;
 * the pipeline takes each item in like a dropped file (same de-duplication, review and delivery) and
 * keeps the source's cursor, so a restart resumes where it stopped and nothing is taken twice.
 */
export interface SyncItem {
  /** The Ledgerdrop client the document belongs to (the source maps its own accounts to clients). */
  clientId: string;
  /** File name as the service gives it. */
  name: string;
  bytes: Uint8Array;
  /** The position after this item: stored once the item is safely taken in. */
  cursor: string;
}

export interface SyncSource {
  /** Stable id of the sync account, e.g. "getmyinvoices-office". */
  id: string;
  /** Items after `cursor` (null: from the start the user chose when connecting), oldest first. */
  pull(cursor: string | null, signal?: AbortSignal): AsyncIterable<SyncItem>;
}
