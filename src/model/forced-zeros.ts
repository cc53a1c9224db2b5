import { type MathProgram, pickIndex } from "./program.js";

/** slack below which a forcing row is read as binding */
const FORCING_TOLERANCE = 1e-9;

/**
 * A program without the columns its fixed columns force to zero, and the map back. A row whose columns other
 * than the fixed ones all enter with a positive coefficient from a lower bound of 0, and whose upper bound the
 * fixed part already reaches, holds them at 0 (x ≤ D·a with a fixed at 0); so does the mirror image with
 * negative coefficients and the lower bound. Such columns, and the rows left without entries, are dropped: a
 * solver receives e.g. only the flows of the allocations a plan made, not every flow the model allows (the
 * decomposition's polish on `1m`). The reduced program has the same optima, with the dropped columns at 0.
 */
export interface Reduced {
  program: MathProgram;
  /** program position of each column of the reduced program */
  kept: Int32Array;
}

export function dropForcedZeros(program: MathProgram): Reduced {
  const { numCols, numRows, colLower, colUpper, rowStart, colIndex, value } = program;
  const fixed = (j: number) => colLower[j] === colUpper[j];
  const zero = new Uint8Array(numCols);
  for (let j = 0; j < numCols; j++) if (colLower[j] === 0 && colUpper[j] === 0) zero[j] = 1;
  for (let r = 0; r < numRows; r++) {
    let fixedPart = 0;
    let positive = true;
    let negative = true;
    let free = 0;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
      const j = colIndex[k]!;
      const a = value[k]!;
      if (fixed(j)) {
        fixedPart += a * colLower[j]!;
        continue;
      }
      free++;
      if (colLower[j] !== 0) positive = negative = false;
      if (a <= 0) positive = false;
      if (a >= 0) negative = false;
    }
    if (free === 0) continue;
    const forcedDown = positive && program.rowUpper[r]! - fixedPart <= FORCING_TOLERANCE;
    const forcedUp = negative && program.rowLower[r]! - fixedPart >= -FORCING_TOLERANCE;
    if (!forcedDown && !forcedUp) continue;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) if (!fixed(colIndex[k]!)) zero[colIndex[k]!] = 1;
  }
  const kept: number[] = [];
  const position = new Int32Array(numCols).fill(-1);
  for (let j = 0; j < numCols; j++) {
    if (zero[j]) continue;
    position[j] = kept.length;
    kept.push(j);
  }
  const rows: number[] = [];
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < numRows; r++) {
    const first = indices.length;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
      const c = position[colIndex[k]!]!;
      if (c < 0) continue;
      indices.push(c);
      values.push(value[k]!);
    }
    // an emptied row that 0 satisfies says nothing; one that 0 violates stays, so the solver reports it
    const empty = indices.length === first;
    if (empty && program.rowLower[r]! <= FORCING_TOLERANCE && program.rowUpper[r]! >= -FORCING_TOLERANCE)
      continue;
    rows.push(r);
    starts.push(indices.length);
  }
  const keptCols = Int32Array.from(kept);
  const keptRows = Int32Array.from(rows);
  return {
    kept: keptCols,
    program: {
      sense: program.sense,
      numCols: keptCols.length,
      numRows: keptRows.length,
      colLower: pick(colLower, keptCols),
      colUpper: pick(colUpper, keptCols),
      colCost: pick(program.colCost, keptCols),
      integrality: Uint8Array.from(keptCols, (j) => program.integrality[j]!),
      objectiveOffset: program.objectiveOffset,
      rowLower: pick(program.rowLower, keptRows),
      rowUpper: pick(program.rowUpper, keptRows),
      rowStart: Int32Array.from(starts),
      colIndex: Int32Array.from(indices),
      value: Float64Array.from(values),
      cols: pickIndex(program.cols, keptCols),
      rows: pickIndex(program.rows, keptRows),
    },
  };
}

/** A vector of the reduced program in the program's positions (dropped columns 0). */
export function expandReduced(reduced: Reduced, numCols: number, x: ArrayLike<number>): Float64Array {
  const full = new Float64Array(numCols);
  reduced.kept.forEach((j, c) => {
    full[j] = x[c]!;
  });
  return full;
}

function pick(values: Float64Array, at: Int32Array): Float64Array {
  return Float64Array.from(at, (i) => values[i]!);
}
