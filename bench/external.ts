import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PortelloResult } from "./measure.js";
import type { SolveRun } from "./solve.js";

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
    // its own process group, so that a timeout ends the whole tree (e.g. cbc under /usr/bin/time)
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
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
      if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
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
  repeat: number;
  tables: boolean;
}

/** Build, hand-off and MPS text of one instance (bench/measure.ts); writes model.mps and arrays/ into `dir`. */
export async function runPortello(instance: string, o: PortelloOptions): Promise<PortelloResult> {
  const args = ["--expose-gc", "--max-old-space-size=16384", "--import", "tsx", here("./measure.ts")];
  args.push("--instance", instance, "--dir", o.dir, "--repeat", String(o.repeat));
  if (o.tables) args.push("--tables");
  return lastJson(`Portello (${instance})`, await run(process.execPath, args, 1800));
}

/** One solver's run on one instance, as the report shows it. */
export interface SolverRun {
  solver: string;
  /** optimal, time-limit, killed, error, … or "not available" / "not run" with `note` saying why */
  status: string;
  /** wall time of the run (see docs/benchmarks.md for what each includes) */
  seconds: number;
  objective?: number;
  bound?: number;
  /** [seconds, incumbent, bound] whenever the solver reported progress, in the program's sense */
  trajectory: [number, number | null, number | null][];
  peakRssBytes?: number;
  note?: string;
}

/** The `RESULT {json}` line a child printed, or an error naming the child's own complaint. */
function resultLine<T>(what: string, done: Finished): T {
  const line = done.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (line) return JSON.parse(line.slice("RESULT ".length)) as T;
  const why = done.timedOut ? "timed out" : `exit ${done.code}`;
  const tail = done.stderr.trim().split("\n").slice(-3).join(" | ");
  throw new Error(`${what} failed (${why}): ${tail.slice(0, 300)}`);
}

/** Does the library's plan option `method: "benders"` reach a decomposition solver? */
export async function probeDecomposition(): Promise<{
  available: boolean;
  solverName: string;
  message?: string;
}> {
  const done = await run(process.execPath, ["--import", "tsx", here("./solve.ts"), "--probe"], 300);
  return resultLine("decomposition probe", done);
}

/** HiGHS-WASM (`monolithic`) or the decomposition (`benders`) through `solveScenario`, in a child process. */
export async function runLibrary(
  instance: string,
  method: "monolithic" | "benders",
  timeLimit: number,
  gap: number,
): Promise<SolverRun> {
  const solver = method === "monolithic" ? "HiGHS-WASM" : "decomposition";
  const args = ["--max-old-space-size=16384", "--import", "tsx", here("./solve.ts"), "--instance", instance];
  args.push("--method", method, "--time-limit", String(timeLimit), "--gap", String(gap));
  const done = await run(process.execPath, args, 2 * timeLimit + 300);
  try {
    const r = resultLine<SolveRun>(solver, done);
    return {
      solver,
      status: r.status,
      seconds: r.seconds,
      objective: r.objective,
      ...(r.bound !== undefined ? { bound: r.bound } : {}),
      trajectory: r.trajectory,
      peakRssBytes: r.peakRssBytes,
      ...(r.message ? { note: r.message } : {}),
    };
  } catch (error) {
    const status = done.timedOut ? "killed" : "crashed";
    return { solver, status, seconds: done.seconds, trajectory: [], note: (error as Error).message };
  }
}

const finite = (text: string | undefined) => {
  const value = Number(text);
  return Number.isFinite(value) && Math.abs(value) < 1e49 ? value : null;
};

/**
 * Native HiGHS through scipy.optimize.milp (pyenv python3) on the model's arrays. The trajectory comes from
 * HiGHS's MIP log: `… BestBound BestSol Gap Cuts InLp Confl. LpIters Time` per line.
 */
export async function runNative(
  arrays: string,
  meta: { maximize: boolean; offset: number },
  timeLimit: number,
  gap: number,
): Promise<SolverRun> {
  const args = ["-f", "PEAKRSS_KB %M", "python3", here("./native_highs.py"), arrays];
  args.push("--time-limit", String(timeLimit), "--gap", String(gap));
  const done = await run("/usr/bin/time", args, 2 * timeLimit + 300);
  const sign = meta.maximize ? -1 : 1;
  const value = (v: number | null) => (v === null ? null : sign * v + meta.offset);
  const trajectory: SolverRun["trajectory"] = [];
  const logLine =
    /^\s*[A-Za-z]?\s+\d+\s+\d+\s+\d+\s+[\d.]+%\s+(\S+)\s+(\S+)\s+\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+([\d.]+)s\s*$/;
  for (const line of done.stdout.split("\n")) {
    const m = logLine.exec(line);
    if (m) trajectory.push([Number(m[3]), value(finite(m[2])), value(finite(m[1]))]);
  }
  const peak = Number(/PEAKRSS_KB (\d+)/.exec(done.stderr)?.[1]) * 1024;
  try {
    const r = resultLine<{
      status: string;
      seconds: number;
      objective: number | null;
      bound: number | null;
      message: string;
    }>("native HiGHS", done);
    return {
      solver: "native HiGHS",
      status: r.status,
      seconds: r.seconds,
      ...(r.objective !== null ? { objective: r.objective } : {}),
      ...(r.bound !== null ? { bound: r.bound } : {}),
      trajectory,
      ...(Number.isFinite(peak) ? { peakRssBytes: peak } : {}),
    };
  } catch (error) {
    const status = done.timedOut ? "killed" : "crashed";
    return {
      solver: "native HiGHS",
      status,
      seconds: done.seconds,
      trajectory,
      note: (error as Error).message,
    };
  }
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

/**
 * Debian's CBC on an MPS file, under /usr/bin/time for its peak memory. CBC 2.10.8 ignores an MPS OBJSENSE
 * section (measured: it minimised a MAX model), so the direction is passed on the command line. The
 * trajectory comes from its log: `Cbc0010I After n nodes, … best solution, best possible … (t seconds)` and
 * the `Integer solution of …` lines.
 */
export async function runCbc(
  mps: string,
  maximize: boolean,
  timeLimit: number,
  gap: number,
): Promise<SolverRun> {
  // timeMode elapsed: CBC's own default limit counts CPU seconds; HiGHS's time_limit is wall-clock
  const limits = ["timeMode", "elapsed", "seconds", String(timeLimit), "ratioGap", String(gap)];
  const args = ["-f", "PEAKRSS_KB %M", "cbc", mps, ...(maximize ? ["max"] : []), ...limits, "solve", "quit"];
  // CBC checks its limit only between search steps (measured: 107 s wall on a 60 s limit)
  const killAfter = timeLimit + 60;
  const done = await run("/usr/bin/time", args, killAfter);
  const trajectory: SolverRun["trajectory"] = [];
  let incumbent: number | null = null;
  let bound: number | null = null;
  // measured on a MAX model: the node and solution lines give CBC's internal (minimised, negated) objective, the
  // root's continuous value and the final lines the model's own
  const internal = (text: string | undefined) => {
    const v = finite(text);
    return v === null ? null : maximize ? -v : v;
  };
  for (const line of done.stdout.split("\n")) {
    const progress = /(\S+) best solution, best possible (\S+) \(([\d.]+) seconds\)/.exec(line);
    const found = /Integer solution of (\S+) found .*\(([\d.]+) seconds\)/.exec(line);
    const root = /Continuous objective value is (\S+) - ([\d.]+) seconds/.exec(line);
    if (progress) {
      incumbent = internal(progress[1]) ?? incumbent;
      bound = internal(progress[2]);
      trajectory.push([Number(progress[3]), incumbent, bound]);
    } else if (found) {
      incumbent = internal(found[1]);
      trajectory.push([Number(found[2]), incumbent, bound]);
    } else if (root) {
      bound = finite(root[1]);
      trajectory.push([Number(root[2]), incumbent, bound]);
    }
  }
  const result = /Result - (.*)/.exec(done.stdout)?.[1]?.trim();
  const objective = finite(/Objective value:\s+(\S+)/.exec(done.stdout)?.[1]);
  const finalBound = finite(/(?:Lower|Upper) bound:\s+(\S+)/.exec(done.stdout)?.[1]);
  const peak = Number(/PEAKRSS_KB (\d+)/.exec(done.stderr)?.[1]) * 1024;
  const status = done.timedOut
    ? `killed at ${killAfter} s`
    : result === "Optimal solution found"
      ? "optimal"
      : result && /time/i.test(result)
        ? "time-limit"
        : (result ?? `exit ${done.code}`);
  if (objective !== null && finalBound !== null) trajectory.push([done.seconds, objective, finalBound]);
  return {
    solver: "CBC",
    status,
    seconds: done.seconds,
    ...(objective !== null ? { objective } : {}),
    ...(finalBound !== null ? { bound: finalBound } : {}),
    trajectory,
    ...(Number.isFinite(peak) ? { peakRssBytes: peak } : {}),
  };
}
