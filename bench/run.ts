import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runCbc, runPortello, runPulp } from "./external.js";
import { SIZES } from "./generate.js";
import { renderReport, type SizeResult } from "./report.js";

/**
 * `npm run bench`: per size, Portello's build / hand-off / solve in a child process, PuLP building the same
 * model from the same tables, and CBC on the exported MPS; then one Markdown report to stdout and into
 * docs/benchmarks.md between its `bench:start` / `bench:end` markers (the rest of that file is kept).
 * Options: --quick (small sizes, 20 s limit), --sizes a,b, --time-limit S, --gap G, --cbc-max-cols N, --no-write
 */

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    sizes: { type: "string" },
    "time-limit": { type: "string" },
    gap: { type: "string", default: "1e-4" },
    "cbc-max-cols": { type: "string", default: "400000" },
    "no-write": { type: "boolean", default: false },
  },
});

/** The smallest size is the cross-check: solved to a 1e-9 gap by all three, so optima can be compared. */
const CHECK_SIZE = "check";
const CHECK_GAP = 1e-9;
const REPORT = new URL("../docs/benchmarks.md", import.meta.url);
const START = "<!-- bench:start — written by bench/run.ts; edits between these markers are overwritten -->";
const END = "<!-- bench:end -->";

const quick = values.quick;
const sizeNames = values.sizes?.split(",") ?? (quick ? ["check", "10k", "100k"] : SIZES.map((s) => s.name));
const timeLimit = Number(values["time-limit"] ?? (quick ? 20 : 60));
const gap = Number(values.gap);
const cbcMaxCols = Number(values["cbc-max-cols"]);
/** 1-minute load averages sampled before each size and at the end: other work on the machine skews timings. */
const loads: number[] = [];

async function measureSize(size: string, work: string): Promise<SizeResult> {
  loads.push(loadavg()[0]!);
  const dir = join(work, size);
  mkdirSync(dir, { recursive: true });
  const sizeGap = size === CHECK_SIZE ? CHECK_GAP : gap;
  log(`${size}: Portello build, hand-off, HiGHS solve (limit ${timeLimit} s)…`);
  const portello = await runPortello(size, { dir, timeLimit, gap: sizeGap, repeat: 3 });
  log(`${size}: ${portello.cols} columns, build ${portello.buildMs.map((m) => m.toFixed(0)).join("/")} ms`);
  const result: SizeResult = { size, gap: sizeGap, portello };

  log(`${size}: PuLP build…`);
  try {
    result.pulp = await runPulp(join(dir, "tables.json"), {
      mps: join(dir, "pulp.mps"),
      repeat: portello.cols < 150_000 ? 3 : 1,
      ...(size === CHECK_SIZE ? { solve: { timeLimit, gap: sizeGap } } : {}),
    });
    log(`${size}: PuLP build ${result.pulp.buildSeconds.toFixed(2)} s`);
  } catch (error) {
    result.pulpError = error instanceof Error ? error.message : String(error);
  }

  if (portello.cols <= cbcMaxCols && !portello.mpsError) {
    log(`${size}: CBC on the exported MPS…`);
    result.cbc = await runCbc(join(dir, "model.mps"), portello.sense === "maximize", timeLimit, sizeGap);
    log(`${size}: CBC ${result.cbc.seconds.toFixed(1)} s, ${result.cbc.result}`);
  }
  rmSync(dir, { recursive: true, force: true });
  return result;
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
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
  const results: SizeResult[] = [];
  const failures: string[] = [];
  try {
    for (const size of sizeNames) {
      try {
        results.push(await measureSize(size, work));
        log(`${size}: ${JSON.stringify(results.at(-1))}`); // raw figures, should the run die later
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`${size}: failed: ${message}`);
        failures.push(`${size}: ${message}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  loads.push(loadavg()[0]!);
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  const args = process.argv.slice(2);
  const report = renderReport(results, {
    date: `${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`,
    machine: `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    command:
      process.env.npm_lifecycle_event === "bench"
        ? `npm run bench${args.length > 0 ? ` -- ${args.join(" ")}` : ""}`
        : `node --import tsx bench/run.ts ${args.join(" ")}`.trim(),
    timeLimit,
    loads,
    failures,
    seconds: (performance.now() - started) / 1000,
  });
  console.log(report);
  if (!values["no-write"]) writeReport(report);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
