import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatCflp, generateCflp } from "./cflp.js";
import {
  probeDecomposition,
  runCbc,
  runLibrary,
  runNative,
  runPortello,
  runPulp,
  type SolverRun,
} from "./external.js";
import { SIZES } from "./generate.js";
import { type InstanceResult, type RunInfo, renderReport } from "./report.js";

/**
 * `npm run bench`: per instance, Portello's build / hand-off / MPS text in a child process, then each solver in
 * its own child process on the same model — HiGHS-WASM (the monolithic model through `solveScenario`), the
 * decomposition (`method: "benders"`, when the library has it), CBC on the MPS file, native HiGHS (scipy) on
 * the arrays — with the time at which each first proved a 1 % and a 0.5 % gap and where it ended. Then the
 * generated capacitated facility-location instances: the decomposition against native HiGHS.
 * One Markdown report to stdout and into docs/benchmarks.md between its `bench:start` / `bench:end` markers.
 * Options: --quick, --sizes a,b, --time-limit S, --gap G, --long-time-limit S, --cflp N, --cflp-time-limit S,
 * --cflp-sites N, --cflp-customers N, --cbc-max-cols N, --solvers wasm,decomposition,cbc,native, --pulp,
 * --no-write
 */

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    sizes: { type: "string" },
    "time-limit": { type: "string" },
    gap: { type: "string", default: "1e-4" },
    "long-time-limit": { type: "string", default: "600" },
    cflp: { type: "string" },
    "cflp-time-limit": { type: "string", default: "90" },
    "cflp-sites": { type: "string", default: "100" },
    "cflp-customers": { type: "string", default: "1000" },
    "cbc-max-cols": { type: "string", default: "400000" },
    pulp: { type: "boolean", default: false },
    solvers: { type: "string", default: "wasm,decomposition,cbc,native" },
    "no-write": { type: "boolean", default: false },
  },
});

/** The smallest size is the cross-check: every solver to a 1e-9 gap, so their optima can be compared. */
const CHECK_SIZE = "check";
const CHECK_GAP = 1e-9;
/** From this many columns a size is "long": its solvers get --long-time-limit and the issue's 1 % target. */
const LONG_COLS = 900_000;
const LONG_GAP = 0.01;
const REPORT = new URL("../docs/benchmarks.md", import.meta.url);
const START = "<!-- bench:start — written by bench/run.ts; edits between these markers are overwritten -->";
const END = "<!-- bench:end -->";

const quick = values.quick;
const DEFAULT_SIZES = ["check", "10k", "oem", "1m"];
const sizeNames = values.sizes?.split(",") ?? (quick ? ["check", "10k"] : DEFAULT_SIZES);
const timeLimit = Number(values["time-limit"] ?? (quick ? 20 : 60));
const longTimeLimit = Number(values["long-time-limit"]);
const gap = Number(values.gap);
const cflpCount = Number(values.cflp ?? (quick ? 1 : 3));
const cflpTimeLimit = Number(values["cflp-time-limit"]);
const cbcMaxCols = Number(values["cbc-max-cols"]);
const solvers = new Set(values.solvers!.split(","));
/** 1-minute load averages sampled before each instance and at the end: other work on the machine skews timings. */
const loads: number[] = [];

const notRun = (solver: string, note: string, status = "not run"): SolverRun => ({
  solver,
  status,
  seconds: 0,
  trajectory: [],
  note,
});

async function measure(
  instance: string,
  label: string,
  kind: InstanceResult["kind"],
  work: string,
  decomposition: boolean,
): Promise<InstanceResult> {
  loads.push(loadavg()[0]!);
  const dir = join(work, label);
  mkdirSync(dir, { recursive: true });
  log(`${label}: build, hand-off, MPS file…`);
  const portello = await runPortello(instance, { dir, repeat: 3, tables: values.pulp });
  const long = portello.cols >= LONG_COLS;
  const limit = kind === "cflp" ? cflpTimeLimit : long ? longTimeLimit : timeLimit;
  const target = label === CHECK_SIZE ? CHECK_GAP : long ? LONG_GAP : gap;
  log(`${label}: ${portello.cols} columns; solvers get ${limit} s, gap ${target}`);
  const result: InstanceResult = { instance: label, kind, gap: target, timeLimit: limit, portello, runs: [] };
  const add = (run: SolverRun) => {
    result.runs.push(run);
    log(`${label}: ${run.solver} ${run.status} in ${run.seconds.toFixed(1)} s`);
  };

  // HiGHS-WASM stops at its 2 GiB memory at about 1M columns: give it the short limit there. On the CFLP
  // instances the issue compares the decomposition with native HiGHS only, which keeps the run shorter.
  if (kind === "network" && solvers.has("wasm"))
    add(await runLibrary(instance, "monolithic", long ? timeLimit : limit, target));
  if (solvers.has("decomposition")) {
    if (decomposition) add(await runLibrary(instance, "benders", limit, target));
    else add(notRun("decomposition", "not available", "not available"));
  }
  if (kind === "network" && solvers.has("cbc")) {
    if (portello.cols > cbcMaxCols)
      add(notRun("CBC", `not run (> ${cbcMaxCols.toLocaleString("en-US")} columns)`));
    else if (portello.mpsError) add(notRun("CBC", "not run (no MPS file)"));
    else add(await runCbc(join(dir, "model.mps"), portello.sense === "maximize", limit, target));
  }
  if (solvers.has("native")) {
    const meta = JSON.parse(readFileSync(join(dir, "arrays", "meta.json"), "utf8")) as {
      objectiveOffset: number;
    };
    const sense = { maximize: portello.sense === "maximize", offset: meta.objectiveOffset };
    add(await runNative(join(dir, "arrays"), sense, limit, target));
  }
  if (values.pulp && kind === "network") {
    try {
      result.pulp = await runPulp(join(dir, "tables.json"), { mps: join(dir, "pulp.mps"), repeat: 1 });
    } catch (error) {
      result.pulpError = error instanceof Error ? error.message : String(error);
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

function log(message: string): void {
  process.stderr.write(`bench ${new Date().toISOString().slice(11, 19)}: ${message}\n`);
}

/** Replaces the generated section of docs/benchmarks.md, keeping everything around it. */
function writeReport(section: string): void {
  const block = `${START}\n\n${section}\n\n${END}`;
  const existing = existsSync(REPORT) ? readFileSync(REPORT, "utf8") : "";
  const from = existing.indexOf(START);
  const to = existing.indexOf(END);
  const text =
    from >= 0 && to > from
      ? existing.slice(0, from) + block + existing.slice(to + END.length)
      : `# Benchmarks\n\n${block}\n`;
  writeFileSync(REPORT, text);
}

async function main(): Promise<void> {
  const unknown = sizeNames.filter((name) => !SIZES.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(`unknown sizes ${unknown.join(", ")}; known: ${SIZES.map((s) => s.name)}`);
  const work = mkdtempSync(join(tmpdir(), "portello-bench-"));
  const started = performance.now();
  const results: InstanceResult[] = [];
  const failures: string[] = [];
  const decomposition = await probeDecomposition();
  log(
    `decomposition: ${decomposition.available ? `available (${decomposition.solverName})` : "not available"}`,
  );
  const instances: [string, string, InstanceResult["kind"]][] = sizeNames.map((s) => [s, s, "network"]);
  const sites = Number(values["cflp-sites"]);
  const customers = Number(values["cflp-customers"]);
  for (let seed = 1; seed <= cflpCount; seed++) {
    const label = `cflp-${sites}x${customers}-r5-s${seed}`;
    const file = join(work, `${label}.txt`);
    writeFileSync(file, formatCflp(generateCflp({ sites, customers, ratio: 5, seed })));
    instances.push([`cflp:${file}`, label, "cflp"]);
  }
  try {
    for (const [instance, label, kind] of instances) {
      try {
        results.push(await measure(instance, label, kind, work, decomposition.available));
        log(`${label}: ${JSON.stringify(results.at(-1))}`); // raw figures, should the run die later
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`${label}: failed: ${message}`);
        failures.push(`${label}: ${message}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  loads.push(loadavg()[0]!);
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const args = process.argv.slice(2);
  const info: RunInfo = {
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    machine: `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    command:
      process.env.npm_lifecycle_event === "bench"
        ? `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`
        : `node --import tsx bench/run.ts ${args.join(" ")}`.trim(),
    loads,
    failures,
    seconds: (performance.now() - started) / 1000,
    decomposition,
  };
  const report = renderReport(results, info);
  console.log(report);
  if (!values["no-write"]) writeReport(report);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
