/** UTF-8 byte-order mark: makes Excel read a CSV file as UTF-8 instead of the local code page. */
export const BOM = '\uFEFF';

// Spreadsheets run a cell that starts with one of these as a formula (CSV/formula injection, OWASP).
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV cell (RFC 4180): formula-like text is defused with a leading quote, then quoted when it must be. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line with its CRLF terminator. */
export const csvRow = (cells: unknown[]): string => `${cells.map(csvCell).join(',')}\r\n`;
