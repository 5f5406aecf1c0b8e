// Reports as CSV for spreadsheets.

/** Characters that make a spreadsheet read a cell as a formula (plus tab and CR, which some use to hide one). */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else {
    const json = JSON.stringify(value);
    text = FORMULA_START.test(json) ? `'${json}` : json;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * RFC 4180 CSV: a header row (the keys in order of first appearance, or `columns`), CRLF line ends, fields with a
 * quote, comma or line break quoted with quotes doubled. Text starting with = + - @ (or tab / CR) gets a leading '
 * so a spreadsheet shows it instead of evaluating it; numbers stay numbers (-5 is not a formula).
 */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const header = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (header.length === 0) return '';
  const lines = [header.map(csvCell).join(','), ...rows.map((r) => header.map((k) => csvCell(r[k])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
