import type { Command } from "commander";
import {
  breakEvenWords,
  builtAt,
  conditions,
  headline,
  money,
  optionOf,
  unmetShare,
  valueWords,
} from "../../analysis/answer-words.js";
import { type AnswerJson, answerQuestion, answerToJson } from "../../analysis/question.js";
import { loadQuestionCase, type QuestionCase } from "../../domain/question.js";
import { loadStudySpec } from "../../domain/study-spec.js";
import { NPV_LINE_LABELS, NPV_LINES } from "../../model/npv-lines.js";
import type { StudyReport } from "../../study/report.js";
import { runStudy } from "../../study/run.js";
import { ThreadEngine } from "../../study/thread-engine.js";
import { headlineWords, progressLine } from "./study.js";
import { openStore } from "../../store/open.js";
import { saveAnswer } from "./demo-save.js";
import { printJson, runCommand, table, UserError } from "../output.js";

/** `portello demo`: a question case (the built-in Alfa Romeo one by default) answered, as a terminal report. */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "answer the seed question on the built-in Alfa Romeo case: should the E-segment BEV be built in the US?",
    )
    .option(
      "--case <file>",
      "a question case file (default: builtin:alfa, data/cases/alfa.yaml)",
      "builtin:alfa",
    )
    .option("--json", "print the answer as JSON")
    .option(
      "--samples <n>",
      "Monte Carlo samples for the headline under uncertainty (default: the case's; 0: none)",
      (text: string) => {
        const n = Number(text);
        if (!Number.isInteger(n) || n < 0) throw new UserError(`expected a whole number, got '${text}'`);
        return n;
      },
    )
    .option("--save", "store the answer and each option's plan as a run, for `portello serve` to show")
    .option(
      "--data <dir>",
      "with --save: folder of the embedded database (default ~/.portello/data), or DATABASE_URL",
    )
    .action((opts: { json?: boolean; case: string; save?: boolean; data?: string; samples?: number }) =>
      runCommand(async () => {
        const question = await loadQuestionCase(opts.case);
        const answer = await answerQuestion(question, {
          progress: (message) => process.stderr.isTTY && process.stderr.write(`portello: ${message}\n`),
        });
        const json = answerToJson(answer);
        const uncertainty = await underUncertainty(question, opts.samples);
        if (opts.json) printJson(uncertainty ? { ...json, uncertainty } : json);
        else process.stdout.write(`${renderReport(json, uncertainty)}\n`);
        if (opts.save) {
          const store = await openStore(opts.data ? { dataDir: opts.data } : {});
          try {
            const saved = await saveAnswer(store, answer);
            const linked = Object.keys(saved.runs).length;
            process.stderr.write(
              `portello: answer stored in project "${saved.projectSlug}" (${store.location}) with ${linked} runs` +
                (saved.notLinked.length
                  ? `; not linked, edited in the app: ${saved.notLinked.join(", ")}`
                  : "") +
                "\n",
            );
          } finally {
            await store.close();
          }
        }
        return undefined;
      }),
    );
}

/** The headline under uncertainty: a small Monte Carlo of the case's study (the full one: `portello study`). */
export interface Uncertainty {
  study: string;
  samples: number;
  headline: string;
  options: { id: string; label: string; probabilityBest: number; p5: number | null; p95: number | null }[];
  seconds: number;
}

async function underUncertainty(question: QuestionCase, samples?: number): Promise<Uncertainty | undefined> {
  const settings = question.uncertainty;
  if (!settings || samples === 0) return undefined;
  const loaded = await loadStudySpec(settings.study);
  const n = samples ?? settings.samples;
  const spec = {
    ...loaded.spec,
    methods: { monteCarlo: { samples: n, sampling: "latin-hypercube" as const } },
  };
  const engine = new ThreadEngine();
  const progress = progressLine();
  let report: StudyReport;
  try {
    report = await runStudy(
      { ...loaded, spec },
      { engine, ...(process.stderr.isTTY ? { onProgress: progress.update } : {}) },
    );
  } finally {
    progress.end();
    await engine.close();
  }
  const mc = report.monteCarlo!;
  return {
    study: settings.study,
    samples: n,
    headline: headlineWords(report) ?? "",
    options: mc.options.map((o) => ({
      id: o.id,
      label: report.options.find((x) => x.id === o.id)!.label,
      probabilityBest: o.probabilityBest,
      p5: o.npv?.p5 ?? null,
      p95: o.npv?.p95 ?? null,
    })),
    seconds: report.run.seconds,
  };
}

/** The terminal report: the same JSON as --json, in sections a planner reads top to bottom. */
export function renderReport(a: AnswerJson, uncertainty?: Uncertainty): string {
  const winner = optionOf(a, a.winner);
  const eur = (n: number) => money(a, n);
  const signed = (n: number) => (Math.abs(n) < 0.05e6 ? "same" : n > 0 ? `+${eur(n)}` : eur(n));
  const cars = (n: number) => Math.round(n).toLocaleString("en-US");
  const name = (scenario: string) => optionOf(a, scenario).name;
  const { horizon } = a.scenario;
  const out: string[] = [];
  const section = (title: string) => out.push("", title, "-".repeat(title.length));

  out.push(`QUESTION  ${a.question}`);

  section("ANSWER");
  out.push(...headline(a));
  const { holds, steady } = conditions(a);
  out.push(
    holds.length === 0
      ? "No tested parameter flips the answer within the ranges searched."
      : "The answer holds while:",
  );
  for (const line of holds) out.push(`  • ${line}`);
  if (steady.length > 0) out.push(`Within the ranges searched it does not depend on: ${steady.join("; ")}.`);
  out.push(
    table(
      ["option", `${a.programName} built at`, "NPV", "vs winner", "served", "unmet", "unmet %"],
      a.options.map((o) => [
        `${o.name}${o.role === "reference" ? " (today)" : ""}`,
        builtAt(o),
        eur(o.npv),
        o === winner ? "winner" : signed(o.npv - winner.npv),
        cars(o.volumes.served),
        cars(o.volumes.unmet),
        unmetShare(o),
      ]),
    ),
  );
  out.push(`Served and unmet: vehicles over ${horizon.start}–${horizon.end}, all programs.`);

  if (uncertainty) {
    section(`UNDER UNCERTAINTY: ${uncertainty.samples} Monte Carlo samples of ${uncertainty.study}`);
    out.push(uncertainty.headline);
    out.push(
      table(
        ["option", "P(best)", "NPV P5", "NPV P95"],
        uncertainty.options.map((o) => [
          o.label,
          `${(o.probabilityBest * 100).toFixed(1)}%`,
          o.p5 === null ? "—" : eur(o.p5),
          o.p95 === null ? "—" : eur(o.p95),
        ]),
      ),
    );
    out.push(
      `A small sample (${uncertainty.seconds.toFixed(0)} s): \`portello study ${uncertainty.study}\` runs the full study ` +
        "(more samples, tornado, break-evens; docs/studies.md).",
    );
  }

  section("VOLUMES: what each option leaves unserved");
  for (const o of a.options.filter((x) => x.role === "option")) {
    const top = o.volumes.unmetByProgram.slice(0, 3).map((u) => `${u.name} ${cars(u.volume)}`);
    out.push(`  ${o.name}: ${top.length ? top.join("; ") : "all demand served"}`);
  }
  for (const load of a.homeLoad) {
    const why =
      load.unmetOfItsPrograms < 0.5
        ? "all demand for its programs is served."
        : load.peakShifts < load.maxShifts
          ? `${cars(load.unmetOfItsPrograms)} cars of its programs go unserved: the plan does not run another ` +
            "shift for them, their margin does not pay for it."
          : `${cars(load.unmetOfItsPrograms)} cars of its programs go unserved: it runs every shift it may.`;
    out.push(
      `In "${name(a.bestHome!)}", ${load.name} runs at most ${load.peakShifts} of its ${load.maxShifts} shift(s) ` +
        `(${cars(load.capacityPerShift)} cars each), peaking at ${cars(load.peakLoad)} cars a year incl. capacity ` +
        `reserved for programs outside the scenario; ${why}`,
    );
  }

  if (a.versus) {
    section(`WHY: "${winner.name}" against "${name(a.versus.option)}"`);
    const difference = a.versus.difference;
    const drivers = NPV_LINES.map((k) => ({ label: NPV_LINE_LABELS[k], value: difference[k] }))
      .filter((d) => Math.abs(d.value) >= 0.5e6)
      .sort((x, y) => Math.abs(y.value) - Math.abs(x.value));
    out.push(
      table(
        ["driver", "NPV effect for the winner (discounted)"],
        drivers.map((d) => [d.label, signed(d.value)]),
      ),
    );
  }
  out.push("", `${a.programName}: landed cost per car (undiscounted, volume-weighted):`);
  out.push(
    table(
      ["option", "plant", "market", "variable", "logistics", "duty", "total", "net price"],
      a.landedCost.map(({ option, cost }) => [
        name(option),
        cost.plant,
        cost.market,
        Math.round(cost.variable),
        Math.round(cost.logistics),
        Math.round(cost.duty),
        Math.round(cost.total),
        Math.round(cost.price),
      ]),
    ),
  );
  if (a.explanations.length > 0) {
    out.push("", "Decisions of the winning plan and why (each re-solved without it):");
    for (const e of a.explanations) out.push(`  • ${e.text}`);
  }

  section("SENSITIVITY AND BREAK-EVENS");
  out.push(
    `Re-solved under each value: ${a.contenders.map(name).join("; ")} ` +
      `(options within ${(a.contenderGap * 100).toFixed(0)}% of the winner). A break-even is bracketed by ` +
      "bisection on re-solves: the answer holds at the first value, flips at the second.",
  );
  const rows: string[][] = [];
  for (const p of a.parameters) {
    rows.push([
      p.label,
      `${valueWords(a, p, p.baseline)} (baseline)`,
      winner.name,
      "",
      "",
      p.isAssumption ? "assumption" : "sourced",
    ]);
    for (const t of p.tries) {
      rows.push([
        "",
        `${valueWords(a, p, t.value)}${t.label ? ` (${t.label})` : ""}`,
        name(t.winner),
        eur(t.lead),
        t.flips ? "YES" : "no",
        "",
      ]);
    }
  }
  out.push(table(["parameter", "value", "winner", "lead", "answer flips?", "baseline"], rows));
  out.push("", "Break-evens:");
  for (const p of a.parameters) out.push(`  • ${p.label}: ${breakEvenWords(a, p)}`);

  section("CAVEATS");
  for (const caveat of a.caveats) out.push(`  • ${caveat}`);

  section("CONTEXT");
  for (const fact of a.context) out.push(`  • ${fact.text} [${fact.sources.map((s) => s.id).join(", ")}]`);

  section("SOURCES");
  out.push(`The baselines tested above and the ${a.programName} cite ${a.sources.length} sources:`);
  for (const s of a.sources) out.push(`  [${s.id}] ${s.publisher}, ${s.date} — ${s.url}`);
  out.push("Every parameter and its source or assumption: docs/alfa-case.md and the scenario files.");
  out.push(
    "",
    `${a.solves} solves to proven optimality (${a.options.length} options, explanations, sensitivity) in ` +
      `${a.seconds.toFixed(1)} s.`,
  );
  return out.join("\n");
}
