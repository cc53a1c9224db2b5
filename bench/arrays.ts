import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MathProgram } from "../src/model/program.js";

/**
 * The model's arrays as raw little-endian files plus meta.json, for bench/native_highs.py (numpy.fromfile):
 * the same matrix, bounds, costs and integrality HiGHS-WASM gets, with no text format in between.
 */
export function writeProgramArrays(program: MathProgram, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const arrays = {
    colLower: program.colLower,
    colUpper: program.colUpper,
    colCost: program.colCost,
    integrality: program.integrality,
    rowLower: program.rowLower,
    rowUpper: program.rowUpper,
    rowStart: program.rowStart,
    colIndex: program.colIndex,
    value: program.value,
  };
  for (const [name, array] of Object.entries(arrays))
    writeFileSync(join(dir, `${name}.bin`), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  const meta = {
    sense: program.sense,
    numRows: program.numRows,
    numCols: program.numCols,
    objectiveOffset: program.objectiveOffset,
    dtypes: Object.fromEntries(Object.entries(arrays).map(([name, a]) => [name, a.constructor.name])),
  };
  writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
}
