import type { BuiltModel } from "../model/build.js";
import { columnName, lpName, rowName } from "../model/names.js";
import type { MathProgram } from "../model/program.js";

/**
 * The model as text for any other solver: free-format MPS (first line `NAME <name> FREE`, which CBC needs to
 * read free format) and CPLEX LP. Text is built as an array of chunks joined once. Integer columns always get
 * explicit bounds, because readers disagree on the default bounds of integers (some make them binary).
 */

/** Shortest text that reads back as the same double. */
const num = (v: number) => String(v);

/** Columns in column-major order: for each column, the rows it appears in (a CSR → CSC transpose). */
export function transpose(program: MathProgram): {
  colStart: Int32Array;
  rowIndex: Int32Array;
  value: Float64Array;
} {
  const { numCols, numRows, rowStart, colIndex } = program;
  const colStart = new Int32Array(numCols + 1);
  for (let k = 0; k < colIndex.length; k++) colStart[colIndex[k]! + 1]!++;
  for (let j = 0; j < numCols; j++) colStart[j + 1]! += colStart[j]!;
  const cursor = colStart.slice(0, numCols);
  const rowIndex = new Int32Array(colIndex.length);
  const value = new Float64Array(colIndex.length);
  for (let r = 0; r < numRows; r++) {
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
      const position = cursor[colIndex[k]!]!++;
      rowIndex[position] = r;
      value[position] = program.value[k]!;
    }
  }
  return { colStart, rowIndex, value };
}

function modelName(built: BuiltModel): string {
  return (built.inputs.programIds.length > 0 ? "portello" : "empty").replace(/\s/g, "_");
}

/** The model as free MPS with its domain names (`x[giulia-next,cassino,us,2030]`). */
export function toMps(built: BuiltModel, name = modelName(built)): string {
  return writeMps(built.program, domainNames(built, name));
}

/** Streams the model as free MPS with its domain names into `emit` (see emitMps). */
export function emitDomainMps(
  built: BuiltModel,
  emit: (text: string) => void,
  name = modelName(built),
): void {
  emitMps(built.program, domainNames(built, name), emit);
}

function domainNames(built: BuiltModel, name: string): { name: string; rows: string[]; cols: string[] } {
  const { program } = built;
  return {
    name,
    rows: Array.from({ length: program.numRows }, (_, i) => rowName(built, i)),
    cols: Array.from({ length: program.numCols }, (_, j) => columnName(built, j)),
  };
}

/** Short positional names (`c0`, `r0`) for solvers that only need the numbers back. */
export function positionalNames(program: MathProgram): { rows: string[]; cols: string[] } {
  return {
    rows: Array.from({ length: program.numRows }, (_, i) => `r${i}`),
    cols: Array.from({ length: program.numCols }, (_, j) => `c${j}`),
  };
}

/** The model as free MPS text: fine for small models; large ones go through `emitMps` to a file. */
export function writeMps(
  program: MathProgram,
  names: { name?: string; rows: string[]; cols: string[] },
): string {
  const out: string[] = [];
  emitMps(program, names, (text) => out.push(text));
  return out.join("");
}

/**
 * Streams the model as free MPS, a few lines at a time, into `emit`. Nothing holds the whole text: beyond
 * ~1M columns it is longer than the longest string V8 can make (the benchmark's toMps failed there).
 */
export function emitMps(
  program: MathProgram,
  names: { name?: string; rows: string[]; cols: string[] },
  emit: (text: string) => void,
): void {
  const { rows, cols } = names;
  emit(`NAME ${(names.name ?? "portello").replace(/\s/g, "_")} FREE\n`);
  if (program.sense === "maximize") emit("OBJSENSE\n    MAX\n");
  emit("ROWS\n N  obj\n");
  const ranges: string[] = [];
  const rhs: string[] = [];
  for (let i = 0; i < program.numRows; i++) {
    const lo = program.rowLower[i]!;
    const up = program.rowUpper[i]!;
    const loFinite = Number.isFinite(lo);
    const upFinite = Number.isFinite(up);
    const type = lo === up ? "E" : loFinite ? "G" : upFinite ? "L" : "N";
    emit(` ${type}  ${rows[i]}\n`);
    const bound = type === "L" ? up : lo;
    if (type !== "N" && bound !== 0) rhs.push(`    rhs  ${rows[i]}  ${num(bound)}\n`);
    if (type === "G" && upFinite) ranges.push(`    rng  ${rows[i]}  ${num(up - lo)}\n`);
  }
  emit("COLUMNS\n");
  const { colStart, rowIndex, value } = transpose(program);
  let inInteger = false;
  for (let j = 0; j < program.numCols; j++) {
    const integer = program.integrality[j] === 1;
    if (integer !== inInteger) {
      emit(`    MARKER  'MARKER'  '${integer ? "INTORG" : "INTEND"}'\n`);
      inInteger = integer;
    }
    const cost = program.colCost[j]!;
    // a column must appear at least once to exist
    if (cost !== 0 || colStart[j] === colStart[j + 1]) emit(`    ${cols[j]}  obj  ${num(cost)}\n`);
    for (let k = colStart[j]!; k < colStart[j + 1]!; k++) {
      emit(`    ${cols[j]}  ${rows[rowIndex[k]!]}  ${num(value[k]!)}\n`);
    }
  }
  if (inInteger) emit("    MARKER  'MARKER'  'INTEND'\n");
  // MPS convention (HiGHS, CPLEX): the objective row's right-hand side is minus the constant term
  if (program.objectiveOffset !== 0) rhs.push(`    rhs  obj  ${num(-program.objectiveOffset)}\n`);
  emit("RHS\n");
  for (const line of rhs) emit(line);
  if (ranges.length > 0) emit("RANGES\n");
  for (const line of ranges) emit(line);
  emit("BOUNDS\n");
  for (let j = 0; j < program.numCols; j++) for (const line of mpsBounds(program, j, cols[j]!)) emit(line);
  emit("ENDATA\n");
}

function mpsBounds(program: MathProgram, j: number, name: string): string[] {
  const lo = program.colLower[j]!;
  const up = program.colUpper[j]!;
  const integer = program.integrality[j] === 1;
  if (lo === up) return [` FX bnd  ${name}  ${num(lo)}\n`];
  const lines: string[] = [];
  if (lo === Number.NEGATIVE_INFINITY && up === Number.POSITIVE_INFINITY) return [` FR bnd  ${name}\n`];
  if (lo === Number.NEGATIVE_INFINITY) lines.push(` MI bnd  ${name}\n`);
  else if (lo !== 0 || integer) lines.push(` LO bnd  ${name}  ${num(lo)}\n`);
  if (up !== Number.POSITIVE_INFINITY) lines.push(` UP bnd  ${name}  ${num(up)}\n`);
  else if (integer) lines.push(` PL bnd  ${name}\n`);
  return lines;
}

/** Names made safe and unique for LP: a clash after rewriting gets the column or row position appended. */
function uniqueLpNames(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((raw, i) => {
    let name = lpName(raw);
    if (seen.has(name)) name = `${name}#${i}`;
    seen.add(name);
    return name;
  });
}

const TERMS_PER_LINE = 8;

function linearTerms(
  out: string[],
  cols: string[],
  indices: ArrayLike<number>,
  values: ArrayLike<number>,
): void {
  for (let k = 0; k < indices.length; k++) {
    const v = values[k]!;
    const sign = v < 0 ? "-" : "+";
    const abs = Math.abs(v);
    out.push(
      `${k > 0 && k % TERMS_PER_LINE === 0 ? "\n   " : ""} ${sign} ${abs === 1 ? "" : `${num(abs)} `}${cols[indices[k]!]}`,
    );
  }
}

export function toLp(built: BuiltModel): string {
  const { program } = built;
  const cols = uniqueLpNames(Array.from({ length: program.numCols }, (_, j) => columnName(built, j)));
  const rows = uniqueLpNames(Array.from({ length: program.numRows }, (_, i) => rowName(built, i)));
  const out: string[] = [`\\ Portello model: ${program.numCols} columns, ${program.numRows} rows\n`];
  out.push(program.sense === "maximize" ? "Maximize\n" : "Minimize\n", " obj:");
  const costIdx: number[] = [];
  const costVal: number[] = [];
  program.colCost.forEach((c, j) => {
    if (c !== 0) {
      costIdx.push(j);
      costVal.push(c);
    }
  });
  linearTerms(out, cols, costIdx, costVal);
  if (program.objectiveOffset !== 0) out.push(` + ${num(program.objectiveOffset)}`);
  out.push("\nSubject To\n");
  for (let i = 0; i < program.numRows; i++) {
    const start = program.rowStart[i]!;
    const end = program.rowStart[i + 1]!;
    const lo = program.rowLower[i]!;
    const up = program.rowUpper[i]!;
    const emit = (name: string, op: string, rhs: number) => {
      out.push(` ${name}:`);
      if (start === end)
        out.push(` 0 ${cols[0] ?? "zero"}`); // an empty row still needs a term
      else linearTerms(out, cols, program.colIndex.subarray(start, end), program.value.subarray(start, end));
      out.push(` ${op} ${num(rhs)}\n`);
    };
    // a ranged row becomes two rows, <name>_lo and <name>_hi (the builder makes none today)
    if (lo === up) emit(rows[i]!, "=", lo);
    else if (Number.isFinite(lo) && Number.isFinite(up)) {
      emit(`${rows[i]}_lo`, ">=", lo);
      emit(`${rows[i]}_hi`, "<=", up);
    } else if (Number.isFinite(lo)) emit(rows[i]!, ">=", lo);
    else if (Number.isFinite(up)) emit(rows[i]!, "<=", up);
  }
  out.push("Bounds\n");
  const generals: string[] = [];
  for (let j = 0; j < program.numCols; j++) {
    const lo = program.colLower[j]!;
    const up = program.colUpper[j]!;
    const name = cols[j]!;
    if (program.integrality[j] === 1) generals.push(name);
    if (lo === up) out.push(` ${name} = ${num(lo)}\n`);
    else if (lo === Number.NEGATIVE_INFINITY && up === Number.POSITIVE_INFINITY) out.push(` ${name} free\n`);
    else {
      const low = lo === Number.NEGATIVE_INFINITY ? "-inf" : num(lo);
      const high = up === Number.POSITIVE_INFINITY ? "+inf" : num(up);
      out.push(` ${low} <= ${name} <= ${high}\n`);
    }
  }
  if (generals.length > 0) {
    out.push("General\n");
    for (let k = 0; k < generals.length; k += TERMS_PER_LINE) {
      out.push(` ${generals.slice(k, k + TERMS_PER_LINE).join(" ")}\n`);
    }
  }
  out.push("End\n");
  return out.join("");
}
