import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BuiltModel, buildModel } from "../src/model/build.js";
import type { MathProgram } from "../src/model/program.js";
import { toModelData } from "../src/solver/highs-run.js";
import { HighsSolver, highsRuntime } from "../src/solver/highs.js";
import { emitDomainMps } from "../src/solver/lp-format.js";
import { writeTextFile } from "../src/solver/text-sink.js";
import { exportTables } from "./export-tables.js";
import { SIZES, generateScenario } from "./generate.js";

/**
 * One size, Portello's side, in its own process (so peak memory is per size and HiGHS's WebAssembly memory,
 * which never shrinks, dies with it): build, hand-off to HiGHS, MPS text, then a HiGHS solve with a time
 * limit. Writes the MPS file and the data tables for CBC and PuLP, and prints one JSON line.
 * Usage: node --expose-gc --import tsx bench/measure.ts --size 1m --dir DIR [--time-limit 60] [--gap 1e-4]
 */

export interface PortelloResult {
  size: string;
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
  solve?: { status: string; seconds: number; objective: number; gap?: number; message?: string };
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
      size: { type: "string" },
      dir: { type: "string" },
      "time-limit": { type: "string", default: "60" },
      gap: { type: "string", default: "1e-4" },
      repeat: { type: "string", default: "3" },
      "no-solve": { type: "boolean", default: false },
    },
  });
  const size = SIZES.find((s) => s.name === values.size);
  if (!size || !values.dir)
    throw new Error(`--size (one of ${SIZES.map((s) => s.name).join(", ")}) and --dir`);
  const scenario = generateScenario(size);

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
  writeFileSync(join(values.dir, "tables.json"), exportTables(built!.inputs));

  const result: PortelloResult = {
    size: size.name,
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
    peakRssEndBytes: 0,
  };
  // Printed before the solve too: if the solve takes the process down, the build figures survive.
  console.log(JSON.stringify({ ...result, peakRssEndBytes: peakRss() }));
  if (!values["no-solve"]) {
    const started = performance.now();
    const solution = await new HighsSolver().solve(program, {
      timeLimitSeconds: Number(values["time-limit"]),
      mipRelGap: Number(values.gap),
    });
    result.solve = {
      status: solution.status,
      seconds: (performance.now() - started) / 1000,
      objective: solution.objective,
      ...(solution.gap !== undefined ? { gap: solution.gap } : {}),
      ...(solution.message ? { message: solution.message } : {}),
    };
  }
  result.peakRssEndBytes = peakRss();
  console.log(JSON.stringify(result));
}

void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
