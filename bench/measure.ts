import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BuiltModel, buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { toModelData } from "../src/solver/highs-run.js";
import { highsRuntime } from "../src/solver/highs.js";
import { emitDomainMps } from "../src/solver/lp-format.js";
import { writeTextFile } from "../src/solver/text-sink.js";
import { writeProgramArrays } from "./arrays.js";
import { exportTables } from "./export-tables.js";
import { benchScenario } from "./scenario-of.js";

/**
 * One instance, Portello's side, in its own process (so peak memory is per instance and HiGHS's WebAssembly
 * memory, which never shrinks, dies with it): build, hand-off to HiGHS, MPS text. Writes the MPS file (for
 * CBC), the model's arrays (for native HiGHS) and the data tables (for PuLP) into DIR, and prints one JSON
 * line. The solves are bench/solve.ts's.
 * Usage: node --expose-gc --import tsx bench/measure.ts --instance 1m|cflp:<file> --dir DIR [--repeat 3]
 */

export interface PortelloResult {
  instance: string;
  sense: "maximize" | "minimize";
  rows: number;
  cols: number;
  nnz: number;
  /** bytes of all typed arrays of the MathProgram (matrix, bounds, costs, index tables) */
  arrayBytes: number;
  buildMs: number[];
  handoffMs: number[];
  /** wall time of streaming the MPS file (domain names), up to its failure where it failed */
  mpsMs: number;
  mpsBytes: number;
  mpsError?: string;
  /** peak resident set after the builds, before anything else touched memory */
  peakRssBuildBytes: number;
  /** V8 heap in use after the builds and a full GC, with one built model alive */
  heapUsedBytes: number;
  /** peak resident set after hand-off and MPS text as well */
  peakRssEndBytes: number;
}

const peakRss = () => process.resourceUsage().maxRSS * 1024;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

function arrayBytes(program: MathProgram): number {
  let bytes = 0;
  const visit = (value: unknown) => {
    if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(program);
  return bytes;
}

function timed<T>(run: () => T): [T, number] {
  const started = performance.now();
  const result = run();
  return [result, performance.now() - started];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      instance: { type: "string" },
      dir: { type: "string" },
      repeat: { type: "string", default: "3" },
      tables: { type: "boolean", default: false },
    },
  });
  if (!values.instance || !values.dir) throw new Error("--instance <size|cflp:file> and --dir");
  const scenario = benchScenario(values.instance);

  // Build: median of N, each from the validated scenario (deriveInputs + arrays).
  const buildMs: number[] = [];
  let built: BuiltModel | undefined;
  for (let i = 0; i < Number(values.repeat); i++) {
    built = undefined;
    gc();
    const [model, ms] = timed(() => buildModel(scenario));
    built = model;
    buildMs.push(ms);
  }
  const { program } = built!;
  gc();
  const peakRssBuildBytes = peakRss();
  const heapUsedBytes = process.memoryUsage().heapUsed;

  // Hand-off: the arrays into HiGHS's persistent model, as HighsSolver does (runtime loaded beforehand).
  const highs = await highsRuntime();
  const handoffMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [model, ms] = timed(() => highs.createModel(toModelData(highs, program)));
    model.dispose();
    handoffMs.push(ms);
  }

  // MPS text with domain names, streamed to the file as `portello export --mps` does (at 1M columns it is
  // longer than V8's longest string); a failure is recorded and the run carries on
  let mpsBytes = 0;
  let mpsError: string | undefined;
  const mpsStarted = performance.now();
  try {
    mpsBytes = writeTextFile(join(values.dir, "model.mps"), (emit) => emitDomainMps(built!, emit));
  } catch (error) {
    mpsError = error instanceof Error ? error.message : String(error);
  }
  const mpsMs = performance.now() - mpsStarted;
  if (values.tables) writeFileSync(join(values.dir, "tables.json"), exportTables(built!.inputs));
  writeProgramArrays(program, join(values.dir, "arrays"));

  const result: PortelloResult = {
    instance: values.instance,
    sense: program.sense,
    rows: program.numRows,
    cols: program.numCols,
    nnz: program.colIndex.length,
    arrayBytes: arrayBytes(program),
    buildMs,
    handoffMs,
    mpsMs,
    mpsBytes,
    ...(mpsError ? { mpsError } : {}),
    peakRssBuildBytes,
    heapUsedBytes,
    peakRssEndBytes: peakRss(),
  };
  console.log(JSON.stringify(result));
}

void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
