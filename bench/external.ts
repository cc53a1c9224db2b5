import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PortelloResult } from "./measure.js";

/** Child processes of the benchmark: Portello's own measurement, PuLP (Debian python3-pulp) and CBC. */

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  timedOut: boolean;
}

/** Runs a command to its end (or kills it after `timeoutSeconds`), timing it by the wall clock. */
export function run(command: string, args: string[], timeoutSeconds: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutSeconds * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000, timedOut });
    });
  });
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The last line of a child's stdout as JSON, or an error naming the child's own complaint. */
function lastJson<T>(what: string, done: Finished): T {
  const line = done.stdout.trim().split("\n").pop() ?? "";
  if (done.code === 0 && line.startsWith("{")) return JSON.parse(line) as T;
  const why = done.timedOut ? "timed out" : `exit ${done.code}`;
  const tail = done.stderr.trim().split("\n").slice(-3).join(" | ");
  throw new Error(`${what} failed (${why}): ${tail}`);
}

export interface PortelloOptions {
  dir: string;
  timeLimit: number;
  gap: number;
  repeat: number;
}

export async function runPortello(size: string, o: PortelloOptions): Promise<PortelloResult> {
  const args = ["--expose-gc", "--max-old-space-size=16384", "--import", "tsx", here("./measure.ts")];
  args.push("--size", size, "--dir", o.dir, "--time-limit", String(o.timeLimit), "--gap", String(o.gap));
  args.push("--repeat", String(o.repeat));
  const done = await run(process.execPath, args, o.timeLimit + 900);
  if (done.code === 0) return lastJson(`Portello (${size})`, done);
  // The child prints its build figures before solving: keep them and record how the solve died.
  const lines = done.stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"));
  if (lines.length === 0) return lastJson(`Portello (${size})`, done);
  const partial = JSON.parse(lines[lines.length - 1]!) as PortelloResult;
  const why = done.timedOut ? "killed after the time limit + 900 s" : `process died (exit ${done.code})`;
  const message = done.stderr.trim().split("\n").slice(-2).join(" | ").slice(0, 200);
  partial.solve = {
    status: "crashed",
    seconds: Number.NaN,
    objective: Number.NaN,
    message: `${why}: ${message}`,
  };
  return partial;
}

export interface PulpResult {
  buildSeconds: number;
  buildRuns: number[];
  rows: number;
  cols: number;
  nnz: number;
  pulp: string;
  mpsSeconds?: number;
  solveSeconds?: number;
  status?: string;
  objective?: number | null;
  peakRssBytes: number;
}

export interface PulpOptions {
  mps?: string;
  solve?: { timeLimit: number; gap: number };
  repeat: number;
}

export async function runPulp(tables: string, o: PulpOptions): Promise<PulpResult> {
  const args = [here("./pulp_model.py"), tables, "--repeat", String(o.repeat)];
  if (o.mps) args.push("--mps", o.mps);
  if (o.solve) args.push("--solve", "--time-limit", String(o.solve.timeLimit), "--gap", String(o.solve.gap));
  return lastJson("PuLP", await run("/usr/bin/python3", args, 3600));
}

export interface CbcResult {
  /** wall clock of the cbc process: reading the MPS file, presolve, search */
  seconds: number;
  /** CBC's "Result - …" line, e.g. "Optimal solution found" or "Stopped on time limit" */
  result: string;
  objective: number;
  timeLimitHit: boolean;
}

/**
 * Debian's CBC on an MPS file. CBC 2.10.8 ignores an MPS OBJSENSE section (measured: it minimised a MAX
 * model), so the direction is passed on the command line.
 */
export async function runCbc(
  mps: string,
  maximize: boolean,
  timeLimit: number,
  gap: number,
): Promise<CbcResult> {
  // timeMode elapsed: CBC's own default limit counts CPU seconds; HiGHS's time_limit is wall-clock
  const limits = ["timeMode", "elapsed", "seconds", String(timeLimit), "ratioGap", String(gap)];
  const args = [mps, ...(maximize ? ["max"] : []), ...limits];
  // CBC checks its limit only between search steps (measured: 107 s wall on a 60 s limit), so allow 2x + 60 s
  const killAfter = 2 * timeLimit + 60;
  const done = await run("cbc", [...args, "solve", "quit"], killAfter);
  const parsed = /Result - (.*)/.exec(done.stdout)?.[1]?.trim();
  const result = done.timedOut ? `killed at ${killAfter} s` : (parsed ?? `exit ${done.code}`);
  const objective = Number(/Objective value:\s+(\S+)/.exec(done.stdout)?.[1] ?? Number.NaN);
  return {
    seconds: done.seconds,
    result,
    objective,
    timeLimitHit: done.timedOut || /time limit/i.test(result),
  };
}
