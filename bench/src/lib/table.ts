/**
 * Plain-text tables with aligned columns (numbers right, text left).
 *
 * @module
 */

/** A cell: text, a number already formatted, or nothing (printed as a dash). */
export type Cell = string | number | undefined;

/** Prints `title`, a header row, a rule and the rows, each column padded to its widest cell. */
export function printTable(
  title: string,
  header: readonly string[],
  rows: readonly Cell[][],
): void {
  const text = rows.map((row) => header.map((_, i) => format(row[i])));
  const widths = header.map((name, i) =>
    Math.max(name.length, ...text.map((row) => row[i]?.length ?? 0)),
  );
  const numeric = header.map((_, i) =>
    rows.every(
      (row) =>
        row[i] === undefined || typeof row[i] === 'number' || /^[\d.,×µ%x+-]+/.test(String(row[i])),
    ),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        numeric[i] && i > 0 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of text) console.log(line(row));
}

function format(cell: Cell): string {
  if (cell === undefined) return '–';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '–';
  return cell;
}

/** A number with thousands separators and a fixed number of decimals. */
export function num(value: number | undefined, decimals = 0): string | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}

/** A ratio such as `0.87×`. */
export function ratio(value: number | undefined): string | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  return `${value.toFixed(2)}×`;
}
