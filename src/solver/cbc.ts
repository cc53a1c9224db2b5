import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import type { MathProgram } from "../model/program.js";
import { emitMps, positionalNames } from "./lp-format.js";
import { writeTextFile } from "./text-sink.js";
import type { Solution, SolveOptions, SolveProgress, SolveStatus, SolverAdapter } from "./types.js";

/**
 * COIN-OR CBC as a second, independent solver (Debian package `coinor-cbc`): writes the program as free MPS
 * to a temporary directory, runs the `cbc` binary, reads its solution file and removes the directory.
 * CBC 2.10 ignores an MPS OBJSENSE section, so maximisation is asked for on the command line (`-max`).
 * The objective is recomputed from the returned values, which avoids CBC's sign conventions.
 */
export class CbcSolver implements SolverAdapter {
  readonly name = "cbc";

  constructor(private readonly binary = process.env.PORTELLO_CBC ?? "cbc") {}

  /** Whether a `cbc` executable is on the PATH (or at PORTELLO_CBC). */
  static isAvailable(binary = process.env.PORTELLO_CBC ?? "cbc"): boolean {
    return findExecutable(binary) !== undefined;
  }

  async solve(program: MathProgram, options: SolveOptions = {}): Promise<Solution> {
    if (options.signal?.aborted) return emptySolution("cancelled", 0);
    const executable = findExecutable(this.binary);
    if (!executable) {
      return {
        ...emptySolution("error", 0),
        message: `the CBC solver was not found ("${this.binary}"); install it with: apt-get install -y coinor-cbc`,
      };
    }
    const dir = mkdtempSync(join(tmpdir(), "portello-cbc-"));
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const modelFile = join(dir, "model.mps");
      const solutionFile = join(dir, "solution.txt");
      writeMpsFile(modelFile, program);
      const args = [modelFile];
      if (program.sense === "maximize") args.push("-max");
      // wall-clock seconds, as the other adapters measure (CBC's default is CPU time)
      if (options.timeLimitSeconds !== undefined)
        args.push("-timeMode", "elapsed", "-sec", String(options.timeLimitSeconds));
      args.push("-ratio", String(options.mipRelGap ?? 1e-4), "-solve", "-solu", solutionFile);
      // CBC logs its own minimisation: a maximised objective appears negated
      const sign = program.sense === "maximize" ? -1 : 1;
      const run = await runCbc(executable, args, options, seconds, sign);
      if (run.cancelled) return emptySolution("cancelled", seconds());
      if (run.overran)
        return {
          ...emptySolution("time-limit", seconds()),
          message: `cbc ran past its ${options.timeLimitSeconds} s limit (it checks it only after the root LP) and was stopped`,
        };
      let text: string;
      try {
        text = readFileSync(solutionFile, "utf8");
      } catch {
        return { ...emptySolution("error", seconds()), message: `cbc wrote no solution: ${run.tail.trim()}` };
      }
      const solution = { ...parseCbcSolution(text, program), seconds: seconds() };
      const bound = run.bounds.boundOf(solution);
      if (bound !== undefined) {
        solution.bound = bound;
        solution.gap = Math.abs(bound - solution.objective) / Math.max(1e-10, Math.abs(solution.objective));
      }
      return solution;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** The program as MPS with positional names, streamed to the file (no single string holds a large model). */
function writeMpsFile(path: string, program: MathProgram): void {
  const names = positionalNames(program);
  writeTextFile(path, (emit) => emitMps(program, names, emit));
}

function findExecutable(binary: string): string | undefined {
  const candidates = binary.includes("/")
    ? [binary]
    : (process.env.PATH ?? "").split(delimiter).map((dir) => join(dir, binary));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function emptySolution(status: SolveStatus, seconds: number): Solution {
  return { status, objective: Number.NaN, x: new Float64Array(0), solver: "cbc", seconds };
}

interface CbcRun {
  cancelled: boolean;
  /** stopped by us: CBC looks at its time limit only once its root LP is solved (seen at 100k columns) */
  overran: boolean;
  /** the end of CBC's output, for error messages */
  tail: string;
  /** what its log said about the bound */
  bounds: CbcBounds;
}

/** CBC's log prints numbers with %g: six significant digits, so a printed bound may be off by this much, relatively */
const PRINTED_PRECISION = 1e-5;

/**
 * What CBC's log says about its bound, read line by line: the gap at which its ratio stopped the search ("Exiting
 * as integer gap of G less than …"), and the last "best possible" it printed (the node log, and a time stop's
 * "Partial search - best objective … (best possible B)"). CBC minimises: `sign` −1 turns a maximised model's back.
 */
export class CbcBounds {
  private exitGap: number | undefined;
  private lastBound: number | undefined;

  constructor(private readonly sign: 1 | -1) {}

  read(line: string): void {
    const gap = Number(/Exiting as integer gap of ([-\d.e+]+)/.exec(line)?.[1]);
    if (Number.isFinite(gap)) this.exitGap = Math.abs(gap);
    const possible = Number(/best possible ([-\d.e+]+)/.exec(line)?.[1]);
    if (Number.isFinite(possible)) this.lastBound = this.sign * possible;
  }

  /**
   * The proven bound of a solution: optimal within CBC's ratio, the gap it stopped at beyond the plan (no such
   * stop: the plan itself); stopped with a plan, the last bound printed. Widened by the printing's rounding, so
   * that it stays a bound.
   */
  boundOf(solution: Solution): number | undefined {
    if (solution.status === "optimal")
      return solution.objective - this.sign * (this.exitGap ?? 0) * (1 + PRINTED_PRECISION);
    if (solution.x.length === 0 || this.lastBound === undefined) return undefined;
    return this.lastBound - this.sign * Math.abs(this.lastBound) * PRINTED_PRECISION;
  }
}

/** Runs cbc, turning its log lines into progress and an abort into killing the process. */
function runCbc(
  executable: string,
  args: string[],
  options: SolveOptions,
  seconds: () => number,
  sign: 1 | -1,
): Promise<CbcRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"] });
    let cancelled = false;
    let overran = false;
    let tail = "";
    const bounds = new CbcBounds(sign);
    const limit = options.timeLimitSeconds;
    const guard =
      limit === undefined
        ? undefined
        : setTimeout(
            () => {
              overran = true;
              child.kill("SIGTERM");
            },
            (limit + Math.max(10, limit / 2)) * 1000,
          );
    let pending = "";
    const onAbort = () => {
      cancelled = true;
      child.kill("SIGTERM");
    };
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      tail = (tail + chunk).slice(-2000);
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        bounds.read(line);
        const p = options.onProgress && progressOf(line, seconds(), sign);
        if (p) options.onProgress?.(p);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-2000);
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(guard);
      options.signal?.removeEventListener("abort", onAbort);
      resolve({ cancelled, overran, tail, bounds });
    });
  });
}

/**
 * CBC's node log: "Cbc0010I After 100 nodes, 5 on tree, 123.4 best solution, best possible 120.1 (0.52 seconds)",
 * in CBC's minimisation (`sign` −1 turns a maximised objective back).
 */
function progressOf(line: string, elapsedSeconds: number, sign: 1 | -1): SolveProgress | undefined {
  const node = /best solution, best possible ([-\d.e+]+)/.exec(line);
  const incumbentText = /([-\d.e+]+) best solution/.exec(line)?.[1];
  const found = /Integer solution of ([-\d.e+]+) found/.exec(line);
  if (!node && !found) return undefined;
  const p: SolveProgress = { elapsedSeconds };
  const incumbent = Number(found?.[1] ?? incumbentText);
  if (Number.isFinite(incumbent) && Math.abs(incumbent) < 1e49) p.incumbent = sign * incumbent;
  if (node) p.bound = sign * Number(node[1]);
  if (p.incumbent !== undefined && p.bound !== undefined) {
    p.gap = Math.abs(p.incumbent - p.bound) / Math.max(1e-10, Math.abs(p.incumbent));
  }
  return p;
}

/**
 * Reads a `-solu` file: a status line ("Optimal - objective value 12.5", "Infeasible - …", "Stopped on time - …")
 * and one line per nonzero column: position, name, value, reduced cost.
 */
export function parseCbcSolution(text: string, program: MathProgram): Solution {
  const lines = text.split("\n");
  const header = lines[0]?.trim() ?? "";
  const status = cbcStatus(header);
  if (status === "infeasible" || status === "unbounded" || status === "error") {
    return { ...emptySolution(status, 0), ...(status === "error" ? { message: `cbc: ${header}` } : {}) };
  }
  const x = new Float64Array(program.numCols);
  for (const line of lines.slice(1)) {
    // "**" marks values outside their bounds in an infeasible point; the fields are the same
    const fields = line
      .replace(/^\s*\*\*/, "")
      .trim()
      .split(/\s+/);
    if (fields.length < 3) continue;
    const j = Number(fields[0]);
    if (Number.isInteger(j) && j >= 0 && j < program.numCols) x[j] = Number(fields[2]);
  }
  if (/no integer solution|infeasible/i.test(header)) return emptySolution(status, 0);
  let objective = program.objectiveOffset;
  for (let j = 0; j < program.numCols; j++) objective += program.colCost[j]! * x[j]!;
  return { status, objective, x, solver: "cbc", seconds: 0 };
}

function cbcStatus(header: string): SolveStatus {
  if (/^Optimal/i.test(header)) return "optimal";
  if (/^(Infeasible|Integer infeasible)/i.test(header)) return "infeasible";
  if (/^Unbounded/i.test(header)) return "unbounded";
  if (/^Stopped/i.test(header)) return "time-limit";
  return "error";
}
