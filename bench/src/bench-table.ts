// The table of contract section 7: `name | value | unit | peer value | ratio`. A row without a counterpart in
// the peer shows `–` in both peer columns; a figure that could not be measured reads `n/a`.

export interface Row {
  name: string;
  /** null: not measured (the scenario failed or was left out). */
  value: number | null;
  unit: string;
  /** undefined: the peer has no counterpart; null: it has one, not measured. */
  peer?: number | null;
  /** Budget the value should stay within (same unit), for the budget list under the table. */
  budget?: number;
}

const HEADER = ['name', 'value', 'unit', 'peer value', 'ratio'];

const measured = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

function figure(x: number | null | undefined, unit: string): string {
  if (!measured(x)) return 'n/a';
  return unit === 'guests' || unit === 'turns' ? String(Math.round(x)) : x.toFixed(1);
}

function cells(row: Row): string[] {
  const hasPeer = row.peer !== undefined;
  const ratio =
    hasPeer && measured(row.value) && measured(row.peer) && row.peer !== 0
      ? `${(row.value / row.peer).toFixed(2)}×`
      : 'n/a';
  return [
    row.name,
    figure(row.value, row.unit),
    row.unit,
    hasPeer ? figure(row.peer, row.unit) : '–',
    hasPeer ? ratio : '–',
  ];
}

/** Aligned plain text for the terminal: one row a line, columns separated by ` | `. */
export function textTable(rows: readonly Row[]): string {
  const table = [HEADER, ...rows.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((r) => [...r[i]!].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 1 || i === 3 || i === 4 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ');
  return [line(table[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...table.slice(1).map(line)].join('\n');
}

export function markdownTable(rows: readonly Row[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [line(HEADER), '|---|---:|---|---:|---:|', ...rows.map((r) => line(cells(r)))].join('\n');
}

/** Rows with a budget and a measured value over it. */
export function overBudget(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.budget !== undefined && measured(r.value) && r.value > r.budget);
}

export { measured };
