import { cpus } from "node:os";
import type { CbcResult, PulpResult } from "./external.js";
import type { PortelloResult } from "./measure.js";

/** Markdown tables of one benchmark run. Every figure comes from the run; nothing is carried over. */

export interface SizeResult {
  size: string;
  /** the MIP gap both solvers were given at this size */
  gap: number;
  portello: PortelloResult;
  pulp?: PulpResult;
  pulpError?: string;
  cbc?: CbcResult;
}

export interface RunInfo {
  date: string;
  machine: string;
  command: string;
  timeLimit: number;
  /** 1-minute load averages sampled during the run */
  loads: number[];
  /** sizes whose measurement failed outright */
  failures: string[];
  seconds: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const int = (n: number) => n.toLocaleString("en-US");
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const fixed = (n: number | undefined, digits: number) =>
  n === undefined || !Number.isFinite(n) ? "–" : n.toFixed(digits);
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(1)}×` : "–");
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));

export const buildSeconds = (r: PortelloResult) => median(r.buildMs) / 1000;
export const handoffSeconds = (r: PortelloResult) => median(r.handoffMs) / 1000;

function solveCell(r: PortelloResult, timeLimit: number): string {
  const s = r.solve;
  if (!s) return "not run";
  const mark = s.status === "time-limit" ? ` (limit ${timeLimit} s hit)` : "";
  return `${fixed(s.seconds, 1)} ${s.status}${mark}`;
}

function portelloTable(results: SizeResult[], info: RunInfo): string[] {
  const lines = [
    "| size | rows | columns | nonzeros | build ms | hand-off ms | MPS file ms | bytes / nnz | heap MiB | peak RSS build MiB | HiGHS solve s | HiGHS gap | peak RSS end MiB |",
    "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const { size, portello: r } of results) {
    lines.push(
      `| ${size} | ${int(r.rows)} | ${int(r.cols)} | ${int(r.nnz)} | ${fixed(median(r.buildMs), 0)} | ` +
        `${fixed(median(r.handoffMs), 0)} | ${r.mpsError ? "failed" : fixed(r.mpsMs, 0)} | ${fixed(r.arrayBytes / r.nnz, 1)} | ` +
        `${mib(r.heapUsedBytes)} | ${mib(r.peakRssBuildBytes)} | ${solveCell(r, info.timeLimit)} | ` +
        `${r.solve?.gap !== undefined ? `${fixed(r.solve.gap * 100, 2)} %` : "–"} | ${mib(r.peakRssEndBytes)} |`,
    );
  }
  return lines;
}

function pulpTable(results: SizeResult[]): string[] {
  const lines = [
    "| size | columns | same rows / cols / nnz | PuLP build s | PuLP writeMPS s | PuLP peak RSS MiB | Portello build + hand-off s | PuLP build ÷ Portello | Portello build + MPS file s | PuLP build + writeMPS ÷ Portello build + MPS file |",
    "|---|--:|:-:|--:|--:|--:|--:|--:|--:|--:|",
  ];
  for (const { size, portello: r, pulp: p, pulpError } of results) {
    if (!p) {
      lines.push(`| ${size} | ${int(r.cols)} | – | ${pulpError ?? "not run"} | | | | | | |`);
      continue;
    }
    const same = p.rows === r.rows && p.cols === r.cols && p.nnz === r.nnz;
    const arrays = buildSeconds(r) + handoffSeconds(r);
    const text = r.mpsError ? Number.NaN : buildSeconds(r) + r.mpsMs / 1000;
    const pulpText = p.buildSeconds + (p.mpsSeconds ?? Number.NaN);
    lines.push(
      `| ${size} | ${int(r.cols)} | ${same ? "yes" : `no (${p.rows} / ${p.cols} / ${p.nnz})`} | ` +
        `${fixed(p.buildSeconds, 2)} | ${fixed(p.mpsSeconds, 2)} | ${mib(p.peakRssBytes)} | ${fixed(arrays, 2)} | ` +
        `**${ratio(p.buildSeconds, arrays)}** | ${fixed(text, 2)} | ${ratio(pulpText, text)} |`,
    );
  }
  return lines;
}

/** A ratio where one side stopped at the time limit only bounds the true one: say so. */
function timeRatio(c: CbcResult, r: PortelloResult): string {
  const value = ratio(c.seconds, r.solve!.seconds);
  const highsStopped = r.solve!.status !== "optimal";
  if (highsStopped && c.timeLimitHit) return "– (both stopped)";
  if (highsStopped) return `< ${value} (HiGHS stopped)`;
  if (c.timeLimitHit) return `> ${value} (CBC stopped)`;
  return value;
}

function cbcTable(results: SizeResult[]): string[] {
  const lines = [
    "| size | gap | HiGHS-WASM s | HiGHS status | HiGHS objective | CBC s | CBC result | CBC objective | CBC ÷ HiGHS time |",
    "|---|--:|--:|---|--:|--:|---|--:|--:|",
  ];
  for (const { size, gap, portello: r, cbc: c } of results) {
    if (!c || !r.solve) continue;
    lines.push(
      `| ${size} | ${gap} | ${fixed(r.solve.seconds, 2)} | ${r.solve.status} | ${fixed(r.solve.objective, 0)} | ` +
        `${fixed(c.seconds, 2)} | ${c.result} | ${fixed(c.objective, 0)} | ${timeRatio(c, r)} |`,
    );
  }
  return lines;
}

function crossCheck(results: SizeResult[]): string[] {
  const check = results.find((r) => r.pulp?.objective !== undefined);
  if (!check) return ["(no size was solved by PuLP in this run)"];
  const { portello: r, pulp: p, cbc: c } = check;
  const highs = r.solve?.objective ?? Number.NaN;
  const lines = [
    `Size \`${check.size}\`, gap ${check.gap}: rows / columns / nonzeros — Portello ${int(r.rows)} / ${int(r.cols)} / ` +
      `${int(r.nnz)}, PuLP ${int(p!.rows)} / ${int(p!.cols)} / ${int(p!.nnz)}.`,
    "",
    "| solver | status | objective (NPV) | relative difference to HiGHS |",
    "|---|---|--:|--:|",
    `| Portello arrays → HiGHS-WASM | ${r.solve?.status} | ${fixed(highs, 2)} | – |`,
    `| PuLP model → CBC (PuLP's COIN_CMD) | ${p!.status} | ${fixed(p!.objective ?? Number.NaN, 2)} | ` +
      `${relDiff(highs, p!.objective ?? Number.NaN).toExponential(1)} |`,
  ];
  if (c) {
    lines.push(
      `| Portello MPS file → CBC | ${c.result} | ${fixed(c.objective, 2)} | ${relDiff(highs, c.objective).toExponential(1)} |`,
    );
  }
  return lines;
}

function notes(results: SizeResult[], info: RunInfo): string[] {
  const lines: string[] = info.failures.map((f) => `- ${f}`);
  for (const { size, portello: r, cbc: c, pulpError } of results) {
    if (r.mpsError)
      lines.push(
        `- ${size}: writing the MPS file failed after ${fixed(r.mpsMs / 1000, 1)} s: ${r.mpsError}.`,
      );
    if (r.solve?.status === "time-limit")
      lines.push(`- ${size}: HiGHS hit the ${info.timeLimit} s time limit.`);
    else if (r.solve && r.solve.status !== "optimal") {
      const why = r.solve.message ? `: ${r.solve.message.replace(/\.+$/, "")}` : "";
      lines.push(`- ${size}: HiGHS ended \`${r.solve.status}\` after ${fixed(r.solve.seconds, 1)} s${why}.`);
    }
    if (c?.result.startsWith("killed")) {
      lines.push(
        `- ${size}: CBC did not stop at its ${info.timeLimit} s limit and was ${c.result} (no solution read).`,
      );
    } else if (c?.timeLimitHit) lines.push(`- ${size}: CBC hit the ${info.timeLimit} s time limit.`);
    if (pulpError) lines.push(`- ${size}: PuLP: ${pulpError}`);
  }
  return lines.length > 0 ? lines : ["- No time limit was hit and nothing failed."];
}

export function renderReport(results: SizeResult[], info: RunInfo): string {
  return [
    `Run ${info.date} on ${info.machine}, in ${(info.seconds / 60).toFixed(1)} min. ` +
      `1-minute load average sampled between sizes: ${info.loads.map((l) => l.toFixed(1)).join(", ")} ` +
      `(above ${cpus().length} means other work shared the cores and inflated the timings).`,
    "",
    "```sh",
    info.command,
    "```",
    "",
    "#### Portello: build, hand-off, solve",
    "",
    ...portelloTable(results, info),
    "",
    "#### Portello vs PuLP: the same model built from the same data tables",
    "",
    ...pulpTable(results),
    "",
    "#### CBC vs HiGHS-WASM: same instances, same time limit and gap",
    "",
    ...cbcTable(results),
    "",
    "#### Cross-check: same optimum",
    "",
    ...crossCheck(results),
    "",
    "#### Limits hit and failures in this run",
    "",
    ...notes(results, info),
  ].join("\n");
}
