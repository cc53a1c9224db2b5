import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { applyParameter } from "../../src/analysis/parameters.js";
import type { AnswerJson } from "../../src/analysis/question.js";
import { loadScenario } from "../../src/domain/load.js";
import { type QuestionCase, loadQuestionCase } from "../../src/domain/question.js";
import { solveScenario } from "../../src/plan/solve.js";
import type { Uncertainty } from "../../src/cli/commands/demo.js";

const root = resolve(import.meta.dirname, "../..");

/** Same money to a millionth: NPVs are sums of billions, printed through JSON. */
function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The MIP gap the scenarios solve to, as money. */
const gap = (npv: number) => 1e-4 * Math.abs(npv) + 1;

describe("portello demo --json", () => {
  let answer: AnswerJson;
  let question: QuestionCase;

  beforeAll(async () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--json"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    answer = JSON.parse(run.stdout);
    question = await loadQuestionCase("builtin:alfa");
  }, 600_000);

  it("gives the headline under uncertainty: a small Monte Carlo of the case's study", () => {
    const { uncertainty } = answer as AnswerJson & { uncertainty?: Uncertainty };
    expect(uncertainty!.samples).toBe(question.uncertainty!.samples);
    const total = uncertainty!.options.reduce((s, o) => s + o.probabilityBest, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(uncertainty!.headline).toMatch(/an option answering "yes" is best in \d+\.\d%/);
  });

  it("names as winner the option with the highest NPV, and answers from where it builds the program", () => {
    const choices = answer.options.filter((o) => o.role === "option");
    const winner = choices.find((o) => o.scenario === answer.winner)!;
    for (const other of choices) expect(winner.npv).toBeGreaterThanOrEqual(other.npv);
    expect(answer.answer).toBe(winner.answer);
    for (const option of answer.options) {
      const countries = option.programPlants.map((p) => p.country);
      const expected = countries.some((c) => question.proposal.countries.includes(c))
        ? "yes"
        : countries.every((c) => question.home.countries.includes(c))
          ? "no"
          : "elsewhere";
      expect(option.answer, option.scenario).toBe(expected);
    }
  });

  it("compares the options the case lists, multi-sourcing ones included", () => {
    expect(answer.options.map((o) => o.scenario).sort()).toEqual(
      question.options.map((o) => o.scenario).sort(),
    );
    expect(answer.options.some((o) => o.scenario.endsWith("multi-source"))).toBe(true);
  });

  it("reports each option's volumes: served plus unmet is the demand, served is what the plants build", () => {
    for (const option of answer.options) {
      const { demand, served, unmet, unmetByProgram } = option.volumes;
      expect(served + unmet).toBeCloseTo(demand, 3);
      const built = option.allocations.reduce((s, a) => s + a.volume, 0);
      expect(served).toBeCloseTo(built, 0);
      expect(unmetByProgram.reduce((s, u) => s + u.volume, 0)).toBeCloseTo(unmet, 0);
    }
  });

  it("solves every option to proven optimality with every check holding", () => {
    for (const option of answer.options) {
      expect(option.status, option.scenario).toBe("optimal");
      expect(
        option.invariants.filter((i) => !i.ok),
        option.scenario,
      ).toEqual([]);
      expect(option.invariants.map((i) => i.name)).toEqual(
        expect.arrayContaining(["demand balance", "policies hold", "NPV recomputed"]),
      );
    }
  });

  it("tests every parameter of the case, and flags a value as flipping exactly when the winner's answer changes", () => {
    expect(answer.parameters.map((p) => p.id)).toEqual(question.parameters.map((p) => p.id));
    const answerOf = Object.fromEntries(answer.options.map((o) => [o.scenario, o.answer]));
    for (const p of answer.parameters) {
      for (const e of p.evaluations) {
        const best = Math.max(...Object.values(e.npv));
        expect(e.npv[e.winner], `${p.id} at ${e.value}`).toBe(best);
        expect(e.flips).toBe(answerOf[e.winner] !== answer.answer);
        const others = Object.entries(e.npv).filter(([id]) => answerOf[id] !== answerOf[e.winner]);
        if (others.length > 0) expect(same(e.lead, best - Math.max(...others.map(([, v]) => v)))).toBe(true);
      }
    }
  });

  it("brackets every break-even between a value where the answer holds and a nearby one where it flips", () => {
    for (const p of answer.parameters) {
      const search = question.parameters.find((q) => q.id === p.id)!.search!;
      for (const b of p.breakEvens) {
        expect(Math.abs(b.flips - b.holds), p.id).toBeLessThanOrEqual(
          Math.max(search.tolerance, p.unit === "year" ? 1 : 0),
        );
        const at = (v: number) => p.evaluations.find((e) => e.value === v);
        expect(at(b.flips)?.flips, `${p.id} flips at ${b.flips}`).toBe(true);
        if (b.holds !== p.baseline) expect(at(b.holds)?.flips, `${p.id} holds at ${b.holds}`).toBe(false);
        // nothing evaluated strictly between the two
        const [lo, hi] = [Math.min(b.holds, b.flips), Math.max(b.holds, b.flips)];
        expect(p.evaluations.filter((e) => e.value > lo && e.value < hi)).toEqual([]);
      }
    }
  });

  it("finds a break-even that independent re-solves confirm", async () => {
    // re-solve the winner and the flip's winner at both ends of the first bracket found, outside the demo
    const p = answer.parameters.find((x) => x.breakEvens.length > 0);
    if (!p) return; // no parameter flips the answer: nothing to confirm (the test above still ran)
    const b = p.breakEvens[0]!;
    const change = question.parameters.find((q) => q.id === p.id)!.change;
    const npvAt = async (scenario: string, value: number) => {
      const plan = await solveScenario(
        applyParameter(change, value)(await loadScenario(`builtin:${scenario}`)),
        {
          explain: false,
        },
      );
      expect(plan.status).toBe("optimal");
      return plan.npv;
    };
    const holdsLead = (await npvAt(answer.winner, b.holds)) - (await npvAt(b.winner, b.holds));
    const flipsLead = (await npvAt(b.winner, b.flips)) - (await npvAt(answer.winner, b.flips));
    const slack = gap(answer.options[0]!.npv) * 2;
    expect(holdsLead).toBeGreaterThanOrEqual(-slack);
    expect(flipsLead).toBeGreaterThan(-slack);
  });

  it("explains the winner's decisions, and lists the case's caveats and cited context", () => {
    expect(answer.explanations.length).toBeGreaterThan(0);
    expect(answer.caveats).toEqual(question.caveats);
    for (const fact of answer.context) expect(fact.sources.length).toBeGreaterThan(0);
  });
});
