import { csvRow } from '../export/csv';
import { AlertReport } from './report.model';

const RECIPIENT_COLUMNS = ['userId', 'occurrenceId', 'state', 'targetedAt', 'sentAt', 'deliveredAt', 'displayedAt', 'acknowledgedAt', 'client'] as const;

/** Per-recipient CSV (or, in aggregate-only mode, one row per count). */
export function reportCsv(r: AlertReport): string {
  if (!r.recipients) return csvRow(['alertId', 'metric', 'count']) + Object.entries(r.counts).map(([k, n]) => csvRow([r.alertId, k, n])).join('');
  return csvRow([...RECIPIENT_COLUMNS]) + r.recipients.map((d) => csvRow(RECIPIENT_COLUMNS.map((c) => d[c]))).join('');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML element content and attribute values. */
export const esc = (v: unknown): string => (v === null || v === undefined ? '—' : String(v)).replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** A self-contained, printable HTML page for the incident file (no scripts, no external resources). */
export function reportHtml(r: AlertReport): string {
  const rows = (pairs: [string, unknown][]) => pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  const recipients = r.recipients
    ? `<h2>Recipients (${r.recipients.length})</h2><table class="list"><thead><tr>${RECIPIENT_COLUMNS.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${r.recipients
        .map((d) => `<tr>${RECIPIENT_COLUMNS.map((c) => `<td>${esc(d[c])}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`
    : '<p class="note">Aggregate-only report: individual recipients are not listed.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Alert report ${esc(r.alertId)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:12pt system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #999;padding:.25em .6em;text-align:left;font-size:10pt}
th{background:#eee}.note{font-style:italic}@media print{body{margin:0}thead{display:table-header-group}tr{page-break-inside:avoid}}</style></head>
<body><h1>Alert report: ${esc(r.title ?? r.alertId)}</h1>
<table>${rows([['Alert id', r.alertId], ['Severity', r.severity], ['Created by', r.createdBy], ['Created at', r.createdAt], ['Sent by', r.sentBy], ['Sent at', r.sentAt], ['Valid until', r.validUntil]])}</table>
<h2>Delivery</h2><table>${rows(Object.entries(r.counts))}</table>
${recipients}
<p class="note">Generated ${esc(r.generatedAt)} by ${esc(r.generatedBy)} from the Herald audit trail.</p>
</body></html>
`;
}
