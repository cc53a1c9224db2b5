import { cpus } from "node:os";
import type { PulpResult, SolverRun } from "./external.js";
import type { PortelloResult } from "./measure.js";

/** Markdown tables of one benchmark run. Every figure comes from the run; nothing is carried over. */

export interface InstanceResult {
  /** size name, or the CFLP file's name */
  instance: string;
  kind: "network" | "cflp";
  /** the relative gap the solvers were asked for */
  gap: number;
  timeLimit: number;
  portello: PortelloResult;
  runs: SolverRun[];
  pulp?: PulpResult;
  pulpError?: string;
}

export interface RunInfo {
  date: string;
  machine: string;
  command: string;
  /** 1-minute load averages sampled during the run */
  loads: number[];
  /** instances whose measurement failed outright */
  failures: string[];
  seconds: number;
  decomposition: { available: boolean; solverName: string; message?: string };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const int = (n: number) => n.toLocaleString("en-US");
const mib = (bytes: number | undefined) =>
  bytes === undefined || !Number.isFinite(bytes) ? "–" : (bytes / 2 ** 20).toFixed(0);
const fixed = (n: number | undefined, digits: number) =>
  n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(1)}×` : "–");

/** Relative gap of an incumbent and a bound in the same sense, as HiGHS defines it. */
export function gapOf(
  incumbent: number | null | undefined,
  bound: number | null | undefined,
): number | undefined {
  if (incumbent === null || incumbent === undefined || bound === null || bound === undefined)
    return undefined;
  if (incumbent === bound) return 0;
  return Math.abs(incumbent - bound) / Math.max(Math.abs(incumbent), 1e-9);
}

/** Seconds until the run first had a proven gap ≤ `gap` (its own report of incumbent and bound). */
export function timeToGap(run: SolverRun, gap: number): number | undefined {
  for (const [t, incumbent, bound] of run.trajectory) {
    const g = gapOf(incumbent, bound);
    if (g !== undefined && g <= gap + 1e-12) return t;
  }
  if (run.status === "optimal") return run.seconds; // proven at a target gap at most this one
  const final = gapOf(run.objective, run.bound);
  return final !== undefined && final <= gap ? run.seconds : undefined;
}

function reached(run: SolverRun, gap: number): string {
  if (run.status === "not available" || run.status.startsWith("not run")) return "–";
  const t = timeToGap(run, gap);
  return t === undefined ? "not reached" : fixed(t, 1);
}

function finalCell(run: SolverRun, target: number): string {
  if (run.status === "not available" || run.status.startsWith("not run")) return run.note ?? run.status;
  if (run.status === "optimal") return `**${fixed(run.seconds, 1)}** (gap ≤ ${target})`;
  if (run.status.startsWith("killed")) return `${run.status} (no solution read)`;
  const g = gapOf(run.objective, run.bound);
  return `${run.status} after ${fixed(run.seconds, 0)} s, gap ${g === undefined ? "–" : `${fixed(g * 100, 2)} %`}`;
}

function buildTable(results: InstanceResult[]): string[] {
  const lines = [
    "| instance | rows | columns | nonzeros | build ms | hand-off ms | MPS file ms | bytes / nnz | heap MiB | peak RSS build MiB | peak RSS end MiB |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const { instance, portello: r } of results) {
    lines.push(
      `| ${instance} | ${int(r.rows)} | ${int(r.cols)} | ${int(r.nnz)} | ${fixed(median(r.buildMs), 0)} | ` +
        `${fixed(median(r.handoffMs), 0)} | ${r.mpsError ? "failed" : fixed(r.mpsMs, 0)} | ${fixed(r.arrayBytes / r.nnz, 1)} | ` +
        `${mib(r.heapUsedBytes)} | ${mib(r.peakRssBuildBytes)} | ${mib(r.peakRssEndBytes)} |`,
    );
  }
  return lines;
}

function solverTable(results: InstanceResult[]): string[] {
  const lines = [
    "| instance | columns | solver | to 1 % s | to 0.5 % s | to the target gap s (or where it stopped) | objective | peak RSS MiB |",
    "|---|--:|---|--:|--:|---|--:|--:|",
  ];
  for (const { instance, portello, runs, gap } of results) {
    for (const run of runs) {
      lines.push(
        `| ${instance} | ${int(portello.cols)} | ${run.solver} | ${reached(run, 0.01)} | ${reached(run, 0.005)} | ` +
          `${finalCell(run, gap)} | ${fixed(run.objective, 0)} | ${mib(run.peakRssBytes)} |`,
      );
    }
  }
  return lines;
}

/** Per solver: the median over the CFLP instances of the time to a proven optimum (∞ where not proven). */
function cflpSummary(results: InstanceResult[]): string[] {
  const solvers = [...new Set(results.flatMap((r) => r.runs.map((run) => run.solver)))];
  const lines = [
    `| solver | instances proven optimal | median time to proven optimum s | median peak RSS MiB |`,
    "|---|--:|--:|--:|",
  ];
  for (const solver of solvers) {
    const runs = results.flatMap((r) => r.runs.filter((run) => run.solver === solver));
    if (runs.every((run) => run.status === "not available")) {
      lines.push(`| ${solver} | not available | – | – |`);
      continue;
    }
    const proven = runs.filter((run) => run.status === "optimal");
    const times = runs.map((run) => (run.status === "optimal" ? run.seconds : Number.POSITIVE_INFINITY));
    const rss = runs.map((run) => run.peakRssBytes ?? Number.NaN).filter(Number.isFinite);
    const m = times.length > 0 ? median(times) : Number.NaN;
    lines.push(
      `| ${solver} | ${proven.length} of ${runs.length} | ${Number.isFinite(m) ? fixed(m, 1) : "not proven"} | ` +
        `${rss.length > 0 ? mib(median(rss)) : "–"} |`,
    );
  }
  return lines;
}

function crossCheck(results: InstanceResult[]): string[] {
  const lines: string[] = [];
  for (const { instance, runs } of results) {
    const proven = runs.filter((run) => run.status === "optimal" && run.objective !== undefined);
    if (proven.length < 2) continue;
    const reference = proven[0]!;
    const worst = Math.max(
      ...proven.map(
        (run) =>
          Math.abs(run.objective! - reference.objective!) / Math.max(1, Math.abs(reference.objective!)),
      ),
    );
    lines.push(
      `- ${instance}: ${proven.map((run) => run.solver).join(", ")} proved optima that differ by at most ` +
        `${worst.toExponential(1)} relative.`,
    );
  }
  return lines.length > 0 ? lines : ["- No instance was proven optimal by two solvers in this run."];
}

function pulpTable(results: InstanceResult[]): string[] {
  const lines = [
    "| instance | columns | same rows / cols / nnz | PuLP build s | PuLP writeMPS s | PuLP peak RSS MiB | Portello build + hand-off s | PuLP build ÷ Portello |",
    "|---|--:|:-:|--:|--:|--:|--:|--:|",
  ];
  for (const { instance, portello: r, pulp: p, pulpError } of results) {
    if (!p) {
      lines.push(`| ${instance} | ${int(r.cols)} | – | ${pulpError ?? "not run"} | | | | |`);
      continue;
    }
    const same = p.rows === r.rows && p.cols === r.cols && p.nnz === r.nnz;
    const arrays = (median(r.buildMs) + median(r.handoffMs)) / 1000;
    lines.push(
      `| ${instance} | ${int(r.cols)} | ${same ? "yes" : `no (${p.rows} / ${p.cols} / ${p.nnz})`} | ` +
        `${fixed(p.buildSeconds, 2)} | ${fixed(p.mpsSeconds, 2)} | ${mib(p.peakRssBytes)} | ${fixed(arrays, 2)} | ` +
        `**${ratio(p.buildSeconds, arrays)}** |`,
    );
  }
  return lines;
}

function notes(results: InstanceResult[], info: RunInfo): string[] {
  const lines: string[] = info.failures.map((f) => `- ${f}`);
  if (!info.decomposition.available)
    lines.push(
      `- The decomposition was not available: \`solveScenario(…, { method: "benders" })\` ran \`${info.decomposition.solverName}\`` +
        `${info.decomposition.message ? ` (${info.decomposition.message})` : ""}.`,
    );
  for (const { instance, portello: r, runs, timeLimit } of results) {
    if (r.mpsError) lines.push(`- ${instance}: writing the MPS file failed: ${r.mpsError}.`);
    for (const run of runs) {
      if (run.status === "time-limit")
        lines.push(`- ${instance}: ${run.solver} stopped at its ${timeLimit} s limit.`);
      else if (
        run.status !== "optimal" &&
        run.status !== "not available" &&
        !run.status.startsWith("not run")
      )
        lines.push(
          `- ${instance}: ${run.solver} ended \`${run.status}\`${run.note ? `: ${run.note.slice(0, 200)}` : ""}.`,
        );
    }
  }
  return lines.length > 0 ? lines : ["- No time limit was hit and nothing failed."];
}

export function renderReport(results: InstanceResult[], info: RunInfo): string {
  const networks = results.filter((r) => r.kind === "network");
  const cflp = results.filter((r) => r.kind === "cflp");
  const limits = [...new Set(networks.map((r) => `${r.instance}: ${r.timeLimit} s, gap ${r.gap}`))].join(
    "; ",
  );
  const sections = [
    `Run ${info.date} on ${info.machine}, in ${(info.seconds / 60).toFixed(1)} min. ` +
      `1-minute load average sampled between instances: ${info.loads.map((l) => l.toFixed(1)).join(", ")} ` +
      `(above ${cpus().length} means other work shared the cores and inflated the timings).`,
    "",
    "```sh",
    info.command,
    "```",
    "",
    "#### Model build, hand-off and MPS file (median of 3 builds and hand-offs)",
    "",
    ...buildTable(results),
    "",
    "#### Solvers side by side: time to a proven gap",
    "",
    `Time limits and target gaps: ${limits || "–"}. One run per solver and instance.`,
    "",
    ...solverTable(networks),
  ];
  if (cflp.length > 0) {
    sections.push(
      "",
      `#### Capacitated facility location, ${cflp.length} generated instances (${cflp[0]!.timeLimit} s limit, gap ${cflp[0]!.gap})`,
      "",
      ...solverTable(cflp),
      "",
      ...cflpSummary(cflp),
    );
  }
  sections.push("", "#### Same optimum", "", ...crossCheck(results));
  if (results.some((r) => r.pulp || r.pulpError))
    sections.push(
      "",
      "#### Portello vs PuLP: the same model built from the same data tables",
      "",
      ...pulpTable(results),
    );
  sections.push("", "#### Limits hit and failures in this run", "", ...notes(results, info));
  return sections.join("\n");
}
