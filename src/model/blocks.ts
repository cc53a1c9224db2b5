/**
 * Blocks of variables and constraints over named dimensions, as linopy keeps them: `labels` holds, for every
 * cell of the block's dimensions (row-major, last dimension fastest), the position of its column or row in the
 * program, or -1 where the model has none. Plan, explanations and infeasibility reports look columns and rows
 * up here instead of scanning the index tables.
 */

/** A dimension of a block; `year` counts year indices (0 = horizon start), the others positions in lists. */
export type Dim = "program" | "plant" | "market" | "platform" | "policy" | "year";

export interface Block {
  dims: readonly Dim[];
  shape: readonly number[];
  labels: Int32Array;
}

/** A block of the given dimensions with every cell absent (-1). */
export function emptyBlock(dims: readonly Dim[], shape: readonly number[]): Block {
  const size = shape.reduce((a, b) => a * b, 1);
  return { dims, shape, labels: new Int32Array(size).fill(-1) };
}

/** How many cells of the block have a column or row (e.g. the flow columns of a model). */
export function presentCount(block: Block): number {
  let count = 0;
  for (const label of block.labels) if (label >= 0) count++;
  return count;
}

/** The flat position of a cell (one index per dimension, in the block's order). */
export function cellOf(block: Block, ...at: number[]): number {
  let cell = 0;
  for (let k = 0; k < block.shape.length; k++) cell = cell * block.shape[k]! + at[k]!;
  return cell;
}

/** The column or row of a cell, -1 where absent. */
export function labelAt(block: Block, ...at: number[]): number {
  return block.labels[cellOf(block, ...at)]!;
}

/** Every column or row of the block whose cell matches `at` (undefined = any index in that dimension). */
export function labelsWhere(block: Block, at: Partial<Record<Dim, number>>): number[] {
  const found: number[] = [];
  const { shape, dims, labels } = block;
  const index = new Array<number>(shape.length).fill(0);
  for (let cell = 0; cell < labels.length; cell++) {
    let rest = cell;
    let match = true;
    for (let k = shape.length - 1; k >= 0; k--) {
      index[k] = rest % shape[k]!;
      rest = (rest - index[k]!) / shape[k]!;
      const want = at[dims[k]!];
      if (want !== undefined && want !== index[k]) match = false;
    }
    if (match && labels[cell]! >= 0) found.push(labels[cell]!);
  }
  return found;
}
