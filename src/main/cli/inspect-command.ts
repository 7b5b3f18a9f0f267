import type { InspectResult } from '../understanding/inspect.ts';

/** One file as a few lines a person can read; the JSON form carries everything. */
export function formatInspect(result: InspectResult): string {
  const head = [result.kind, result.format, result.direction && result.direction !== 'unknown' ? result.direction : null].filter(Boolean).join(' · ');
  const lines = [`${result.file}: ${head}`];
  if (result.error) lines.push(`  ✗ ${result.error.message}`);
  const inv = result.invoice;
  if (inv) {
    const due = inv.dueDate ? `, due ${inv.dueDate}` : '';
    lines.push(`  ${inv.number ?? '(no number)'} of ${inv.issueDate ?? '(no date)'}${due}: ${inv.currency ?? ''} ${inv.payableAmount ?? '?'} payable (VAT ${inv.taxAmount ?? '?'})`);
    lines.push(`  from ${party(inv.supplier)} to ${party(inv.customer)}`);
    for (const a of inv.attachments) lines.push(`  attachment ${a.filename ?? '(unnamed)'} (${a.mimeCode ?? '?'}, ${a.size} bytes${a.isPdf ? '' : ', not a PDF'})`);
  }
  for (const s of result.statements ?? []) {
    const balance = s.balanced === null ? 'balance not checkable' : s.balanced ? 'balances' : 'does NOT balance';
    lines.push(`  statement ${s.number ?? '?'} of ${s.account ?? '(no account)'} ${s.currency ?? ''}: ${s.openingBalance ?? '?'} → ${s.closingBalance ?? '?'}, ${s.entries} entries, ${balance}`);
  }
  const v = result.validation;
  if (v) {
    lines.push(v.valid ? `  ✓ valid (${v.ruleset} ${v.release}${v.warnings.length ? `, ${v.warnings.length} warnings` : ''})` : `  ✗ ${v.errors.length} errors against ${v.ruleset} ${v.release}`);
    for (const e of v.errors.slice(0, 20)) lines.push(`    ${e.rule}: ${e.message} at ${e.path}`);
    if (v.errors.length > 20) lines.push(`    … ${v.errors.length - 20} more`);
  }
  for (const f of result.findings) if (f.severity !== 'info' && f.code !== result.error?.code) lines.push(`  ${f.severity}: ${f.message}`);
  for (const m of result.members ?? []) lines.push(...formatInspect(m).split('\n').map((l) => `  ${l}`));
  return lines.join('\n');
}

function party(p: { name: string | null; vatId: string | null; endpointId: string | null } | null): string {
  if (!p) return '(unknown)';
  const id = p.vatId ?? p.endpointId;
  return `${p.name ?? '(no name)'}${id ? ` (${id})` : ''}`;
}

/** A file is fine when it was understood and, if it is an e-invoice, passes its rule set. */
export function inspectOk(result: InspectResult): boolean {
  if (result.error) return false;
  if (result.validation && !result.validation.valid) return false;
  return (result.members ?? []).every(inspectOk);
}
