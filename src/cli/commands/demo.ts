import type { Command } from "commander";
import { type OptionResult, type SeedAnswer, answerSeedQuestion } from "../../analysis/seed-question.js";
import type { NpvBreakdown } from "../../plan/types.js";
import { formatMoney, printJson, runCommand, table } from "../output.js";

/** `portello demo`: the seed question answered on the built-in Alfa Romeo case, as a terminal report. */
export function registerDemoCommand(program: Command): void {
  program
    .command("demo")
    .description(
      "answer the seed question on the built-in Alfa Romeo case: should the E-segment BEV be built in the US?",
    )
    .option("--json", "print the answer as JSON")
    .action((opts: { json?: boolean }) =>
      runCommand(async () => {
        const answer = await answerSeedQuestion();
        if (opts.json) printJson(toJson(answer));
        else process.stdout.write(`${renderReport(answer)}\n`);
        return undefined;
      }),
    );
}

const BREAKDOWN_LABELS: Record<keyof NpvBreakdown, string> = {
  revenue: "revenue (more cars sold)",
  variableCost: "variable cost",
  logistics: "logistics",
  duties: "import duties",
  fixed: "plant fixed cost",
  shifts: "shift cost",
  openings: "reopening / building plants",
  closures: "closures",
  tooling: "tooling",
  platformConversion: "platform conversion",
  unmetPenalty: "unmet-demand penalty",
};

export function renderReport(a: SeedAnswer): string {
  const eur = (n: number) => formatMoney(n, a.winner.plan.scenario.currency);
  const signed = (n: number) => (Math.abs(n) < 0.05e6 ? "same" : n > 0 ? `+${eur(n)}` : eur(n));
  const name = (r: OptionResult) => r.scenario.name;
  const { horizon, discountRate } = a.winner.plan.scenario;
  const out: string[] = [];
  const section = (title: string) => out.push("", title, "-".repeat(title.length));

  out.push(`QUESTION  ${a.question}`);

  section("ANSWER");
  const winnerIsUs = a.winner.questionCountry !== "IT";
  const runnerUp = runnerUpOf(a);
  out.push(
    `${winnerIsUs ? "Yes" : "No"}: the best option is "${name(a.winner)}", NPV ${eur(a.winner.plan.npv)} ` +
      `(${horizon.start}–${horizon.end}, ${(discountRate * 100).toFixed(0)}% real), ` +
      `${eur(a.winner.plan.npv - runnerUp.plan.npv)} ahead of "${name(runnerUp)}".`,
  );
  const today = a.options.find((r) => r.role === "today");
  if (today && a.winner !== today && Math.abs(a.winner.plan.npv - today.plan.npv) < 0.05e6) {
    out.push(`It is the same plan as "${name(today)}": the extra shifts it allows are not worth their cost.`);
  }
  const flips = a.sensitivity.runs.filter((r) => r.flips);
  out.push(
    flips.length === 0
      ? `Robust: none of the ${a.sensitivity.runs.length} changes tried below moves the answer.`
      : `Close: ${flips.length} of the ${a.sensitivity.runs.length} changes tried below move the answer ` +
          `(${flips.map((r) => `${r.variation.parameter} ${r.variation.value}`).join("; ")}).`,
  );
  out.push(
    table(
      ["option", "E-segment built at", "NPV", "vs winner", "vs Italy only"],
      a.options.map((r) => [
        `${name(r)}${r.role === "today" ? " (today)" : ""}`,
        plantName(r, r.questionPlant),
        eur(r.plan.npv),
        r === a.winner ? "winner" : signed(r.plan.npv - a.winner.plan.npv),
        r === a.italyOnly ? "—" : signed(r.plan.npv - a.italyOnly.plan.npv),
      ]),
    ),
  );

  section(`WHY: "${name(a.winner)}" against "${name(a.versus.option)}"`);
  const drivers = (Object.keys(a.versus.difference) as (keyof NpvBreakdown)[])
    .map((k) => ({ label: BREAKDOWN_LABELS[k], value: a.versus.difference[k] }))
    .filter((d) => Math.abs(d.value) >= 0.5e6)
    .sort((x, y) => Math.abs(y.value) - Math.abs(x.value));
  const words = (list: typeof drivers) => list.map((d) => `${d.label} ${eur(Math.abs(d.value))}`).join(", ");
  const against = drivers.filter((d) => d.value < 0);
  const inFavour = drivers.filter((d) => d.value > 0);
  if (against.length > 0) out.push(`"${name(a.versus.option)}" gains on ${words(against)};`);
  if (inFavour.length > 0) out.push(`but loses on ${words(inFavour)} (all discounted).`);
  out.push(
    table(
      ["driver", "NPV effect for the winner"],
      drivers.map((d) => [d.label, signed(d.value)]),
    ),
  );
  out.push("", "E-segment BEV: landed cost per car (undiscounted, volume-weighted):");
  out.push(
    table(
      ["option", "market", "variable", "logistics", "duty", "total", "net price"],
      a.landedCost.map(({ option, cost }) => {
        const r = a.options.find((o) => o.builtin === option)!;
        return [
          name(r),
          cost.market,
          Math.round(cost.variable),
          Math.round(cost.logistics),
          Math.round(cost.duty),
          Math.round(cost.total),
          Math.round(cost.price),
        ];
      }),
    ),
  );
  out.push("", ...capacityLines(a));
  if (a.explanations.length > 0) {
    out.push("", "Decisions of the winning plan and why (each re-solved without it):");
    for (const e of a.explanations) out.push(`  • ${e.text}`);
    if (a.explanations.some((e) => e.alternative === undefined)) {
      out.push(
        "  (Where a network has one plant able to build a program, the other options above are its alternatives.)",
      );
    }
  }

  section("HOW SENSITIVE");
  const optionName = (id: string) => name(a.options.find((o) => o.builtin === id)!);
  out.push(
    `Contenders re-solved under each change: ${Object.keys(a.sensitivity.runs[0]?.npv ?? {})
      .map(optionName)
      .join("; ")} (${a.sensitivity.solves} solves).`,
  );
  out.push(
    table(
      ["parameter", "value tried", "winner", "lead", "changes the answer?"],
      a.sensitivity.runs.map((r) => [
        r.variation.parameter,
        r.variation.value,
        optionName(r.winner),
        eur(r.margin),
        r.flips ? "YES" : "no",
      ]),
    ),
  );
  out.push(
    a.sensitivity.robust
      ? "No single change tried moves the answer."
      : `The answer changes under ${flips.length} of ${a.sensitivity.runs.length} changes: it is close.`,
  );

  section("WHAT THE RESULT HINGES ON");
  const flipping = a.hinges.filter((h) => h.flipsAt.length > 0);
  if (flipping.length === 0)
    out.push("No parameter tried flips the answer; the margins above show how far each moves it.");
  for (const h of flipping) {
    out.push(`  • ${h.parameter} — flips at ${h.flipsAt.join(", ")}. Baseline ${h.basis}`);
  }
  const steady = a.hinges.filter((h) => h.flipsAt.length === 0);
  if (steady.length > 0) out.push(`  Does not flip it: ${steady.map((h) => h.parameter).join("; ")}.`);
  out.push(
    "  Every cost, price and volume of a future program is an assumption with its reasoning (docs/alfa-case.md);",
    "  duties, dates, capacities and past volumes are sourced.",
  );

  section("SOURCES");
  out.push(`The parameters above cite ${a.sources.length} sources, e.g.:`);
  for (const s of a.sources.slice(0, 8)) out.push(`  [${s.id}] ${s.publisher}, ${s.date} — ${s.url}`);
  out.push("All parameters and their sources: docs/alfa-case.md and data/scenarios/alfa/*.yaml.");
  out.push("What the seed articles get wrong about where Alfa Romeos are made: run `portello conflicts`.");
  out.push(
    "",
    `Solved ${a.options.length} scenarios to proven optimality plus sensitivity runs in ${a.seconds.toFixed(1)} s.`,
  );
  return out.join("\n");
}

/** The best option after the winner (options are ranked by NPV); the winner's lead is measured against it. */
function runnerUpOf(a: SeedAnswer): OptionResult {
  return a.options.find((r) => r.role === "option" && r !== a.winner)!;
}

function plantName(r: OptionResult, id: string): string {
  return r.scenario.plants.find((p) => p.id === id)?.name ?? id;
}

/** Cassino's load in the Italy-only plan: whether one shift carries the growth plan, and what is left unserved. */
function capacityLines(a: SeedAnswer): string[] {
  const italy = a.italyOnly.plan;
  const cassino = italy.plantYears.filter((py) => py.plant === "cassino");
  if (cassino.length === 0) return [];
  const maxShifts = Math.max(...cassino.map((py) => py.shifts));
  const peak = Math.max(...cassino.map((py) => py.volume + (py.reserved ?? 0)));
  const atCassino = new Set(italy.allocations.filter((al) => al.plant === "cassino").map((al) => al.program));
  const unmet = italy.unmet.filter((u) => atCassino.has(u.program)).reduce((sum, u) => sum + u.volume, 0);
  const built = italy.flows.filter((f) => f.plant === "cassino").reduce((sum, f) => sum + f.volume, 0);
  const demand = unmet + built;
  return [
    `The premise that Italy cannot carry the growth plan: in "${a.italyOnly.scenario.name}" Cassino runs ` +
      `${maxShifts} shift${maxShifts === 1 ? "" : "s"} of the 3 its ~300,000 cars a year of capacity allow, ` +
      `peaking at ${Math.round(peak).toLocaleString("en-US")} cars a year (incl. Maserati; 19,364 built in 2025); ` +
      `${Math.round(unmet).toLocaleString("en-US")} of the ${Math.round(demand).toLocaleString("en-US")} Cassino cars ` +
      "demanded over the horizon go unserved: low-margin exports whose margin does not pay for another shift.",
  ];
}

function toJson(a: SeedAnswer) {
  const summary = (r: OptionResult) => ({
    builtin: r.builtin,
    id: r.scenario.id,
    name: r.scenario.name,
    role: r.role,
    status: r.plan.status,
    npv: r.plan.npv,
    npvBreakdown: r.plan.npvBreakdown,
    eSegmentPlant: r.questionPlant,
    allocations: r.plan.allocations,
    plantEvents: r.plan.plantEvents,
    invariantsOk: r.plan.invariants.every((i) => i.ok),
    invariants: r.plan.invariants,
    solverSeconds: r.plan.solver.seconds,
  });
  const runnerUp = runnerUpOf(a);
  return {
    question: a.question,
    winner: a.winner.builtin,
    lead: { over: runnerUp.builtin, npv: a.winner.plan.npv - runnerUp.plan.npv },
    italyOnly: a.italyOnly.builtin,
    proposal: a.proposal.builtin,
    options: a.options.map(summary),
    versus: { option: a.versus.option.builtin, difference: a.versus.difference },
    landedCost: a.landedCost,
    explanations: a.explanations,
    sensitivity: a.sensitivity,
    hinges: a.hinges,
    sources: a.sources,
    seconds: a.seconds,
  };
}
