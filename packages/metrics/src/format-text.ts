import type { CycleRow, DatasetSummary, MetricRow, MetricValue, SamplesetSummary } from './types.js';

/** Formats a number for people: integers as they are, fractions with at most 3 decimals. */
function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(3)));
}

/** Replaces control characters by escapes so that one cell stays on one line. */
function escapeCell(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function isDataset(value: MetricValue): value is DatasetSummary {
  return typeof value === 'object' && 'p50' in value;
}

export function formatValue(value: MetricValue): string {
  if (typeof value === 'number') return formatNumber(value);
  if (isDataset(value)) {
    const { count, sum, min, p25, p50, p75, p95, p99, max } = value;
    const parts = { count, sum, min, p25, p50, p75, p95, p99, max };
    return Object.entries(parts).map(([name, part]) => `${name}=${formatNumber(part)}`).join(' ');
  }
  const { count, sum, mean, sd } = value as SamplesetSummary;
  return `count=${formatNumber(count)} sum=${formatNumber(sum)} mean=${formatNumber(mean)} sd=${formatNumber(sd)}`;
}

function isCycleRow(row: MetricRow | CycleRow): row is CycleRow {
  return 'cycleStartMs' in row;
}

function formatCycle(row: CycleRow): string {
  return `${new Date(row.cycleStartMs).toISOString()} ${formatNumber(row.cycleMs / 1000)}s`;
}

/** Formats rows as a table with one header line, space-padded columns and no trailing spaces. */
export function formatTable(rows: readonly (MetricRow | CycleRow)[]): string {
  const withCycle = rows.some(isCycleRow);
  const header = [...(withCycle ? ['cycle'] : []), 'source', 'object', 'metric', 'type', 'detail', 'value'];
  const lines: string[][] = [header];
  for (const row of rows) {
    const cells = [row.source, escapeCell(row.object), escapeCell(row.metric), row.type];
    cells.push(row.detail === null ? '-' : escapeCell(row.detail), formatValue(row.value));
    if (withCycle) cells.unshift(isCycleRow(row) ? formatCycle(row) : '-');
    lines.push(cells);
  }

  const widths = header.map((_name, column) => Math.max(...lines.map((cells) => cells[column]!.length)));
  const text = lines.map((cells) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  if (rows.length === 0) text.push('(no metrics recorded)');
  return text.join('\n') + '\n';
}

/** Copies rows into plain JSON data. */
export function formatJson(rows: readonly (MetricRow | CycleRow)[]): { rows: (MetricRow | CycleRow)[] } {
  return {
    rows: rows.map((row) => ({ ...row, value: typeof row.value === 'number' ? row.value : { ...row.value } })),
  };
}
