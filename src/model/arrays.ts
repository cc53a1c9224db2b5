import type { ColKind, IndexTable, RowKind } from "./program.js";

/**
 * Growable typed arrays for the builder: amortised doubling, no per-entry objects.
 * Each builder hands its arrays over trimmed to length by `finish()`.
 */

function grow<T extends Float64Array | Int32Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}

/** The indices few rows and columns carry: a platform (platform columns and rows), a policy (policy rows). */
export interface OtherIndices {
  platform?: number;
  policy?: number;
}
const NONE: OtherIndices = {};

export class IndexColumns {
  kind = new Uint8Array(64);
  program = new Int32Array(64);
  plant = new Int32Array(64);
  market = new Int32Array(64);
  platform = new Int32Array(64);
  policy = new Int32Array(64);
  year = new Int32Array(64);

  ensure(n: number): void {
    this.kind = grow(this.kind, n);
    this.program = grow(this.program, n);
    this.plant = grow(this.plant, n);
    this.market = grow(this.market, n);
    this.platform = grow(this.platform, n);
    this.policy = grow(this.policy, n);
    this.year = grow(this.year, n);
  }

  set(
    i: number,
    kind: number,
    program: number,
    plant: number,
    market: number,
    year: number,
    other: OtherIndices = NONE,
  ): void {
    this.kind[i] = kind;
    this.program[i] = program;
    this.plant[i] = plant;
    this.market[i] = market;
    this.platform[i] = other.platform ?? -1;
    this.policy[i] = other.policy ?? -1;
    this.year[i] = year;
  }

  finish(n: number): IndexTable {
    return {
      kind: this.kind.slice(0, n),
      program: this.program.slice(0, n),
      plant: this.plant.slice(0, n),
      market: this.market.slice(0, n),
      platform: this.platform.slice(0, n),
      policy: this.policy.slice(0, n),
      year: this.year.slice(0, n),
    };
  }
}

/** Columns: bounds, objective coefficient, integrality and domain indices. */
export class ColumnBuilder {
  count = 0;
  private lower = new Float64Array(64);
  private upper = new Float64Array(64);
  private cost = new Float64Array(64);
  private integer = new Uint8Array(64);
  /** domain indices of the columns so far (read them below `count`) */
  readonly index = new IndexColumns();

  /** Adds a column and returns its position. Unused domain indices are -1. */
  add(
    kind: ColKind,
    program: number,
    plant: number,
    market: number,
    year: number,
    lower: number,
    upper: number,
    cost: number,
    integer: boolean,
    other: OtherIndices = NONE,
  ): number {
    const j = this.count++;
    if (j >= this.lower.length) {
      const n = j + 1;
      this.lower = grow(this.lower, n);
      this.upper = grow(this.upper, n);
      this.cost = grow(this.cost, n);
      this.integer = grow(this.integer, n);
      this.index.ensure(n);
    }
    this.lower[j] = lower;
    this.upper[j] = upper;
    this.cost[j] = cost;
    this.integer[j] = integer ? 1 : 0;
    this.index.set(j, kind, program, plant, market, year, other);
    return j;
  }

  upperBound(j: number): number {
    return this.upper[j]!;
  }

  /** Lower bound of an existing column, e.g. to fix a binary to 1 once a policy asks for it. */
  setLower(j: number, lower: number): void {
    this.lower[j] = lower;
  }

  finish() {
    const n = this.count;
    return {
      numCols: n,
      colLower: this.lower.slice(0, n),
      colUpper: this.upper.slice(0, n),
      colCost: this.cost.slice(0, n),
      integrality: this.integer.slice(0, n),
      cols: this.index.finish(n),
    };
  }
}

/**
 * Rows in CSR form. Two ways in: `begin` + `push` for rows whose entries come in order, and `block`
 * for a family whose entries arrive scattered (counts first, then entries written at per-row cursors).
 */
export class RowBuilder {
  numRows = 0;
  nnz = 0;
  rowStart = new Int32Array(65);
  colIndex = new Int32Array(256);
  value = new Float64Array(256);
  private lower = new Float64Array(64);
  private upper = new Float64Array(64);
  private readonly index = new IndexColumns();

  /** Room for rows 0..n-1 and rowStart[0..n]. */
  private ensureRows(n: number): void {
    if (n + 1 <= this.rowStart.length && n <= this.lower.length) return;
    this.lower = grow(this.lower, n);
    this.upper = grow(this.upper, n);
    this.rowStart = grow(this.rowStart, n + 1);
    this.index.ensure(n);
  }

  private ensureEntries(n: number): void {
    if (n <= this.colIndex.length) return;
    this.colIndex = grow(this.colIndex, n);
    this.value = grow(this.value, n);
  }

  /** Starts a row; its entries follow with `push`. */
  begin(
    kind: RowKind,
    program: number,
    plant: number,
    market: number,
    year: number,
    lower: number,
    upper: number,
    other: OtherIndices = NONE,
  ): number {
    const r = this.numRows++;
    this.ensureRows(this.numRows);
    this.describe(r, kind, program, plant, market, year, lower, upper, other);
    this.rowStart[this.numRows] = this.nnz;
    return r;
  }

  /** Adds an entry to the row begun last. A column must appear at most once per row. */
  push(col: number, value: number): void {
    const k = this.nnz++;
    if (k >= this.colIndex.length) this.ensureEntries(k + 1);
    this.colIndex[k] = col;
    this.value[k] = value;
    this.rowStart[this.numRows] = this.nnz;
  }

  /**
   * Reserves `counts.length` rows with the given entry counts; returns the first row and a cursor per row
   * (the next write position). The caller writes exactly counts[r] entries of row r at cursor[r]++ and
   * sets each row's bounds and indices with `describe`.
   */
  block(counts: Int32Array): { first: number; cursor: Int32Array } {
    const first = this.numRows;
    const n = counts.length;
    this.ensureRows(first + n);
    const cursor = new Int32Array(n);
    let position = this.nnz;
    for (let r = 0; r < n; r++) {
      cursor[r] = position;
      this.rowStart[first + r] = position;
      position += counts[r]!;
    }
    this.rowStart[first + n] = position;
    this.ensureEntries(position);
    this.nnz = position;
    this.numRows = first + n;
    return { first, cursor };
  }

  /** Sets bounds and domain indices of a row (`begin` does it for its row; `block`'s rows need it). */
  describe(
    r: number,
    kind: RowKind,
    program: number,
    plant: number,
    market: number,
    year: number,
    lower: number,
    upper: number,
    other: OtherIndices = NONE,
  ): void {
    this.lower[r] = lower;
    this.upper[r] = upper;
    this.index.set(r, kind, program, plant, market, year, other);
  }

  finish() {
    const n = this.numRows;
    return {
      numRows: n,
      rowLower: this.lower.slice(0, n),
      rowUpper: this.upper.slice(0, n),
      rowStart: this.rowStart.slice(0, n + 1),
      colIndex: this.colIndex.slice(0, this.nnz),
      value: this.value.slice(0, this.nnz),
      rows: this.index.finish(n),
    };
  }
}
