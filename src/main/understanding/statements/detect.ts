/**
 * Cheap content sniffers for bank statement files. They look only at the first few KB (pass the
 * head of the file, decoded as latin-1 or UTF-8) and never throw.
 */

const HEAD_CHARS = 8192;

function head(text: string): string {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return text.slice(start, start + HEAD_CHARS);
}

/**
 * CODA: the first record is a header "0" + "0000" + creation date, and records are ~128 characters
 * long and start with a record type digit.
 */
export function looksLikeCoda(text: string): boolean {
  if (typeof text !== 'string') return false;
  const lines = head(text).split(/\r\n|\n|\r/);
  // The last piece may be cut by the head window: only judge complete lines (or a one-line file).
  const complete = lines.length > 1 && text.length > HEAD_CHARS ? lines.slice(0, -1) : lines;
  let i = 0;
  while (i < complete.length && (complete[i] ?? '').trim() === '') i += 1;
  const first = complete[i] ?? '';
  if (!/^0000\d{6}/.test(first) || first.length < 120 || first.length > 140) return false;
  for (const line of complete.slice(i + 1, i + 30)) {
    if (line.trim() === '' || line === '\u001a') continue;
    if (!/^[0-489]/.test(line) || line.length > 140) return false;
  }
  return true;
}

/** MT940: a SWIFT block header "{1:…}{2:O940…", or a ":20:" field with ":25:" or ":60F:"/":60M:". */
export function looksLikeMt940(text: string): boolean {
  if (typeof text !== 'string') return false;
  const h = head(text);
  if (/\{2:[IO]940/.test(h) && h.includes('{1:')) return true;
  if (!/^:20:/m.test(h)) return false;
  return /^:25:/m.test(h) || /^:60[FM]:/m.test(h);
}

/** camt.053: the camt.053 namespace or a BkToCstmrStmt element near the top. */
export function looksLikeCamt053(text: string): boolean {
  if (typeof text !== 'string') return false;
  const h = head(text);
  return /urn:iso:std:iso:20022:tech:xsd:camt\.053\./.test(h) || /<(?:[A-Za-z_][\w.-]*:)?BkToCstmrStmt[\s>]/.test(h);
}
