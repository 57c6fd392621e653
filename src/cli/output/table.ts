/**
 * Tables for people, printed as rows arrive: fixed column widths (a streamed table cannot wait
 * for its widest cell), the last column free, so long keys are shown whole, never cut.
 */

/** One column: its header and width; numbers align right. */
export interface Column {
  readonly header: string;
  readonly width: number;
  readonly align?: 'left' | 'right';
}

/** Formats rows of a fixed set of columns. */
export class Table {
  constructor(private readonly columns: readonly Column[]) {}

  /** The header line. */
  header(): string {
    return this.row(this.columns.map((c) => c.header));
  }

  /** One row; cells wider than their column push the rest right rather than being cut. */
  row(cells: readonly string[]): string {
    return cells
      .map((cell, i) => {
        const column = this.columns[i];
        if (column === undefined || i === this.columns.length - 1) return cell;
        return column.align === 'right' ? cell.padStart(column.width) : cell.padEnd(column.width);
      })
      .join('  ')
      .trimEnd();
  }
}
