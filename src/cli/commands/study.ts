import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { formatValue, withInterval } from "../../analysis/parameters.js";
import type { ParameterUnit } from "../../domain/question.js";
import { loadStudySpec } from "../../domain/study-spec.js";
import { provenOf, rivalsOf, type StudyReport } from "../../study/report.js";
import { writeStudyWorkbookFile } from "../../study/workbook.js";
import { distributionWords } from "../../study/words.js";
import { runStudy, type StudyProgress } from "../../study/run.js";
import { openPostgresStore, redact } from "../../store/postgres-store.js";
import { QueueEngine } from "../../study/bullmq-engine.js";
import type { StudyEngine } from "../../study/contract.js";
import { ThreadEngine } from "../../study/thread-engine.js";
import { ExitCode } from "../exit-codes.js";
import { fraction } from "../options.js";
import { formatMoney, printJson, runCommand, table, UserError } from "../output.js";

/** `portello study <spec>`: an uncertainty study run on a pool of worker threads, as a report. */
export function registerStudyCommand(program: Command): void {
  program
    .command("study")
    .description(
      "run an uncertainty study (Monte Carlo, tornado, grid, break-evens) over a set of options; docs/studies.md",
    )
    .argument("[spec]", "a study file, or builtin:<name>", "builtin:alfa-belvidere")
    .option("--samples <n>", "Monte Carlo samples (overrides the file's)", positiveInt)
    .option("--workers <n>", "worker threads (default: one per core)", positiveInt)
    .option(
      "--gap <relative>",
      "solve within this relative gap (overrides the file's; default the optimum): comparisons the gap leaves open come as intervals",
      fraction,
    )
    .option("--json", "print the report as JSON")
    .option("--csv <file>", "write every Monte Carlo sample to a CSV file ('-' for stdout)")
    .option("--xlsx <file>", "write the report as an Excel workbook (docs/excel.md)")
    .option("--force", "let --csv and --xlsx overwrite existing files")
    .option(
      "--redis <url>",
      "run the solves on the BullMQ queue at this Redis (`portello worker` processes execute them)",
    )
    .option(
      "--database <url>",
      "with --redis: the PostgreSQL database the workers store results in (default: DATABASE_URL)",
    )
    .option("--queue <name>", "with --redis: the queue's name, as given to `portello worker --queue`")
    .action((spec: string, opts: StudyFlags) =>
      runCommand(async () => {
        // refuse before the study runs, not after: nothing the user saved is overwritten unasked
        for (const file of [opts.csv === "-" ? undefined : opts.csv, opts.xlsx])
          if (file && !opts.force && existsSync(file))
            throw new UserError(`${file} exists; use --force to overwrite it`);
        const file = await loadStudySpec(spec);
        const loaded =
          opts.gap === undefined
            ? file
            : { ...file, spec: { ...file.spec, solver: { ...file.spec.solver, mipRelGap: opts.gap } } };
        const { engine, threads, close } = await engineFor(opts);
        const progress = progressLine();
        const controller = new AbortController();
        const stop = () => controller.abort(new DOMException("interrupted", "AbortError"));
        process.once("SIGINT", stop);
        let report: StudyReport;
        try {
          report = await runStudy(loaded, {
            engine,
            ...(opts.samples ? { samples: opts.samples } : {}),
            onProgress: progress.update,
            signal: controller.signal,
          });
        } catch (error) {
          if (controller.signal.aborted) throw new UserError("study interrupted");
          throw error;
        } finally {
          process.off("SIGINT", stop);
          progress.end();
          await close();
        }
        if (opts.csv) {
          const csv = samplesCsv(report);
          if (opts.csv === "-") process.stdout.write(csv);
          else await writeFile(opts.csv, csv, { flag: opts.force ? "w" : "wx" });
        }
        if (opts.xlsx) await writeStudyWorkbookFile(report, opts.xlsx, opts.force);
        if (opts.json) printJson(report);
        else if (opts.csv !== "-") process.stdout.write(`${renderStudyReport(report, threads)}\n`);
        return undefined;
      }),
    );
}

interface StudyFlags {
  samples?: number;
  gap?: number;
  workers?: number;
  json?: boolean;
  csv?: string;
  xlsx?: string;
  force?: boolean;
  redis?: string;
  database?: string;
  queue?: string;
}

/** Threads in this process, or — with --redis — the queue, whose workers store results in PostgreSQL. */
async function engineFor(
  opts: StudyFlags,
): Promise<{ engine: StudyEngine; threads?: number; close: () => Promise<void> }> {
  if (!opts.redis) {
    const engine = new ThreadEngine(opts.workers ? { threads: opts.workers } : {});
    return { engine, threads: engine.threads, close: () => engine.close() };
  }
  if (opts.workers)
    throw new UserError(
      "--workers sets this process's threads; with --redis the workers are `portello worker` processes",
      ExitCode.usage,
    );
  const databaseUrl = opts.database ?? process.env.DATABASE_URL;
  if (!databaseUrl)
    throw new UserError(
      "with --redis, say where the workers store results: --database postgres://user:password@host/db (or DATABASE_URL)",
      ExitCode.usage,
    );
  const store = await openPostgresStore(databaseUrl);
  process.stderr.write(
    `portello: study on the queue at ${redact(opts.redis)}, results in ${redact(databaseUrl)}\n`,
  );
  const queue = new QueueEngine(store.studies, {
    redisUrl: opts.redis,
    ...(opts.queue ? { queue: opts.queue } : {}),
  });
  // each run is a study of its own in the store: a re-run after the scenarios changed must not reuse old results
  return {
    engine: queue.forStudy(randomUUID()),
    close: async () => {
      await queue.close();
      await store.close();
    },
  };
}

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new UserError(`expected a whole number of at least 1, got '${text}'`);
  return n;
}

/** One line on stderr, rewritten in place on a terminal (a line every 10 s elsewhere): done, rate, ETA. */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  let phase: string | undefined;
  let phaseStart = 0;
  let lastPrint = 0;
  let shown = false;
  const update = (p: StudyProgress) => {
    const now = performance.now();
    if (p.phase !== phase) {
      if (shown && stream.isTTY) stream.write("\n");
      phase = p.phase;
      phaseStart = now;
      lastPrint = 0;
    }
    const seconds = (now - phaseStart) / 1000;
    const rate = seconds > 0 ? p.done / seconds : 0;
    const eta = rate > 0 ? (p.total - p.done) / rate : Number.NaN;
    const points = p.phase === "monte-carlo" ? "samples" : "points";
    const line =
      `portello: ${p.phase} ${Math.floor(p.done / p.options)}/${p.total / p.options} ${points} ` +
      `(${p.done}/${p.total} solves), ${rate.toFixed(1)} solves/s` +
      (p.done < p.total && Number.isFinite(eta) ? `, ETA ${duration(eta)}` : `, ${duration(seconds)}`);
    if (stream.isTTY) {
      if (now - lastPrint < 200 && p.done < p.total) return;
      stream.write(`\r${line}\x1b[K`);
    } else {
      if (now - lastPrint < 10_000 && p.done < p.total && p.done > 0) return;
      stream.write(`${line}\n`);
    }
    lastPrint = now;
    shown = true;
  };
  return {
    update,
    end: () => {
      if (shown && stream.isTTY) stream.write("\n");
    },
  };
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60
    ? `${m}m${String(Math.round(seconds % 60)).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

/** The headline in one sentence, e.g. for `portello demo`. */
export function headlineWords(r: StudyReport): string | undefined {
  const mc = r.monteCarlo;
  const h = mc?.headline;
  if (!mc || !h) return undefined;
  const name = (answer: string) => `"${answer}"`;
  const [lo, hi] = h.interval;
  const lead = h.lead;
  const money = (n: number) => formatMoney(n, r.study.currency);
  const parts = [
    `In ${mc.complete} of ${mc.samples} Monte Carlo samples solved to optimality, an option answering ${name(h.answer)} is best ` +
      `in ${percent(h.probability)} (95% interval ${percent(lo)}–${percent(hi)}).`,
  ];
  const [least, most] = h.probabilityRange;
  if (percent(least) !== percent(most))
    parts.push(
      `The solves' gaps leave ${mc.undecided} samples undecided: the solves prove ${percent(least)} and do not rule ` +
        `out ${percent(most)}.`,
    );
  if (h.against && h.beats !== null && lead)
    parts.push(
      `Its best option beats the best answering ${name(h.against)} in ${withInterval(h.beats, h.beatsRange, percent)} of them; its lead ` +
        `over it is ${money(lead.p50)} at the median (P5 ${money(lead.p5)}, P95 ${money(lead.p95)}).`,
    );
  return parts.join(" ");
}

/** The terminal report: the same data as --json, in sections read top to bottom. */
export function renderStudyReport(r: StudyReport, threads?: number): string {
  const out: string[] = [];
  const money = (n: number | null) => (n === null ? "—" : formatMoney(n, r.study.currency));
  const label = (id: string) => r.options.find((o) => o.id === id)?.label ?? id;
  const parameter = (id: string) => r.parameters.find((p) => p.id === id)!;
  const value = (id: string, v: number) =>
    formatValue(parameter(id).unit as ParameterUnit, v, parameter(id).currency ?? r.study.currency);
  const section = (title: string) => out.push("", title, "-".repeat(title.length));

  out.push(`QUESTION  ${r.study.question}`);
  const words = headlineWords(r);
  if (words) {
    section("ANSWER UNDER UNCERTAINTY");
    out.push(words);
  }
  out.push("", `Baseline (every parameter as the scenarios have it): ${baselineWords(r.baseline, label)}.`);

  const mc = r.monteCarlo;
  if (mc) {
    section(`MONTE CARLO: ${mc.samples} samples (${mc.sampling}), seed ${r.study.seed}`);
    if (mc.complete < mc.samples)
      out.push(
        `${mc.samples - mc.complete} samples had an option that did not solve to optimality; they are left out below:`,
      );
    for (const [option, counts] of Object.entries(mc.statusCounts)) {
      const other = Object.entries(counts).filter(([status]) => status !== "optimal");
      if (other.length) out.push(`  ${label(option)}: ${other.map(([s, n]) => `${n} ${s}`).join(", ")}`);
    }
    for (const p of mc.problems.slice(0, 5))
      out.push(`  sample ${p.sample}, ${label(p.option)}: ${p.status}${p.message ? ` — ${p.message}` : ""}`);
    out.push(
      table(
        ["option", "answer", "P(best)", "NPV mean", "P5", "P50", "P95", "E[regret]", "max regret"],
        mc.options.map((o) => [
          label(o.id),
          r.options.find((x) => x.id === o.id)?.answer ?? "",
          withInterval(o.probabilityBest, o.probabilityBestRange, percent),
          money(o.npv?.mean ?? null),
          money(o.npv?.p5 ?? null),
          money(o.npv?.p50 ?? null),
          money(o.npv?.p95 ?? null),
          withInterval(o.expectedRegret, o.expectedRegretRange, money),
          withInterval(o.maxRegret, o.maxRegretRange, money),
        ]),
      ),
    );
    if (mc.minMaxRegret) out.push(`Least maximum regret: "${label(mc.minMaxRegret)}".`);
    out.push(
      `By answer: ${mc.answers.map((a) => `${a.answer} ${withInterval(a.probability, a.probabilityRange, percent)}`).join(", ")}.`,
    );
    if (mc.undecided > 0)
      out.push(
        `In ${mc.undecided} samples the solves' gaps leave the best option undecided; the intervals in brackets ` +
          "are what the solves prove (from proven best to not ruled out).",
      );
    const changing = mc.decisions.filter((d) => d.changes);
    if (changing.length) {
      out.push("", "Decisions that change across samples (share of the samples the option solved):");
      for (const d of changing)
        out.push(
          `  ${label(d.option)} — ${d.label} ${d.values.map((v) => `${v.words} ${percent(v.share)}`).join(", ")}`,
        );
    }
  }

  if (r.tornado) {
    const t = r.tornado;
    section(
      t.metric === "lead"
        ? `TORNADO: lead of "${r.study.headline!.answer}" over "${r.study.headline!.against ?? "the rest"}" at P${t.low * 100} and P${t.high * 100}`
        : `TORNADO: best option's NPV at P${t.low * 100} and P${t.high * 100}`,
    );
    const measure = (p: StudyReport["baseline"]) =>
      t.metric === "lead" ? p.lead : p.winner ? p.npv[p.winner]! : null;
    out.push(
      table(
        ["parameter", "low", "lead / NPV", "winner", "high", "lead / NPV", "winner", "swing"],
        t.rows.map((row) => [
          parameter(row.parameter).label,
          value(row.parameter, row.low.values[row.parameter]!),
          money(measure(row.low)),
          winnerLabel(row.low, label),
          value(row.parameter, row.high.values[row.parameter]!),
          money(measure(row.high)),
          winnerLabel(row.high, label),
          money(row.swing),
        ]),
      ),
    );
  }

  if (r.grid) {
    section(`GRID: ${r.grid.parameters.map((id) => parameter(id).label).join(" × ")}`);
    out.push(
      table(
        [...r.grid.parameters.map((id) => parameter(id).label), "winner", "lead"],
        r.grid.points.map((p) => [
          ...r.grid!.parameters.map((id) => value(id, p.values[id]!)),
          winnerLabel(p, label),
          p.lead === null ? "—" : withInterval(p.lead, p.leadRange, money),
        ]),
      ),
    );
  }

  if (r.breakEvens) {
    section("BREAK-EVENS: where the best option's answer changes (bisection on re-solves)");
    if (r.breakEvens.length === 0)
      out.push("  none searched: the baseline has no answer the solves prove (see the baseline above)");
    for (const b of r.breakEvens) {
      const p = parameter(b.parameter);
      const sides = b.sides.map((s) =>
        s.holds !== undefined && s.flips !== undefined
          ? `holds at ${value(b.parameter, s.holds)}, flips at ${value(b.parameter, s.flips)} to "${label(s.winner!)}"`
          : s.stoppedAt !== undefined
            ? `stopped at ${value(b.parameter, s.stoppedAt)} (${s.stoppedBy})`
            : `no flip up to ${value(b.parameter, s.end)}`,
      );
      out.push(`  • ${p.label} (baseline ${value(b.parameter, b.baseline)}): ${sides.join("; ")}`);
    }
  }

  section("PARAMETERS");
  for (const p of r.parameters)
    out.push(`  • ${p.label} — ${p.path} (${p.mode}), ${distributionWords(p)}; ${p.basis}`);
  for (const f of r.factors) out.push(`  • factor ${f.label}: ${f.why}`);
  out.push(
    "",
    `${r.run.solves} solves in ${r.run.seconds.toFixed(1)} s on ${r.run.engine}${threads ? ` (${threads} threads)` : ""}` +
      ` (${(r.run.solves / Math.max(r.run.seconds, 1e-9)).toFixed(1)} solves/s).`,
  );
  return out.join("\n");
}

/** A point's best option, marked where the solves do not prove it best. */
function winnerLabel(point: StudyReport["baseline"], label: (id: string) => string): string {
  if (point.winner === null) return "—";
  return point.winnerProven ? label(point.winner) : `${label(point.winner)} (not proven)`;
}

/** Who is best at the baseline, and whether the solves prove it. */
function baselineWords(point: StudyReport["baseline"], label: (id: string) => string): string {
  if (point.winner === null) return "not every option solved";
  const best = `"${label(point.winner)}"`;
  if (point.winnerProven) return `${best} is best`;
  const rivals = rivalsOf(provenOf(point), point.winner, Object.keys(point.bound));
  return `${best} has the best plan, but the solves' gaps leave ${rivals.map((o) => `"${label(o)}"`).join(", ")} able to beat it${point.answerProven ? "; its answer holds either way" : ""}`;
}

/**
 * Every Monte Carlo sample: parameter values, each option's NPV, bound and status, the winner and whether the
 * solves prove it best.
 */
export function samplesCsv(r: StudyReport): string {
  const mc = r.monteCarlo;
  if (!mc) throw new UserError("the study has no Monte Carlo: --csv writes its samples");
  const options = r.options.map((o) => o.id);
  const parameters = r.parameters.map((p) => p.id);
  const header = [
    "sample",
    ...parameters,
    ...options.flatMap((o) => [`npv:${o}`, `bound:${o}`, `status:${o}`]),
    "winner",
    "proven",
  ];
  const rows = mc.draws.map((d) =>
    [
      d.sample,
      ...parameters.map((p) => d.values[p] ?? ""),
      ...options.flatMap((o) => [d.npv[o] ?? "", d.bound[o] ?? "", d.statuses[o] ?? ""]),
      d.winner ?? "",
      d.winner === null ? "" : d.winnerProven ? "yes" : "no",
    ].join(","),
  );
  return `${[header.join(","), ...rows].join("\n")}\n`;
}
