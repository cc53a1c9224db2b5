import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");

/** The parts of `portello demo --json` the checks below read. */
interface DemoJson {
  winner: string;
  lead: { over: string; npv: number };
  options: {
    builtin: string;
    role: "today" | "option";
    status: string;
    npv: number;
    invariantsOk: boolean;
    invariants: { name: string; ok: boolean; detail: string }[];
  }[];
  explanations: { text: string; hingesOn?: string[] }[];
  sensitivity: {
    baselineWinner: string;
    robust: boolean;
    runs: {
      variation: { id: string; parameter: string; value: string };
      npv: Record<string, number>;
      winner: string;
      margin: number;
      flips: boolean;
      resolved: string[];
    }[];
  };
  hinges: { parameter: string; flipsAt: string[] }[];
}

/** Same money to a millionth: NPVs are sums of billions, printed through JSON. */
function same(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The best of a set of NPVs, and the lead of the best over the next. */
function ranking(npv: Record<string, number>) {
  const sorted = Object.values(npv).sort((a, b) => b - a);
  return { best: sorted[0]!, lead: sorted.length > 1 ? sorted[0]! - sorted[1]! : 0 };
}

describe("portello demo --json", () => {
  let answer: DemoJson;

  beforeAll(() => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "demo", "--json"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    answer = JSON.parse(run.stdout);
  });

  it("names a winner among the built-in options, with the highest NPV of them", () => {
    const choices = answer.options.filter((o) => o.role === "option");
    const winner = choices.find((o) => o.builtin === answer.winner);
    expect(winner, `${answer.winner} is not one of the options`).toBeDefined();
    expect(winner!.builtin).toMatch(/^alfa\//);
    for (const other of choices) expect(winner!.npv).toBeGreaterThanOrEqual(other.npv);
  });

  it("gives the winner's lead over the best other option, as the difference of their NPVs", () => {
    const npv = Object.fromEntries(answer.options.map((o) => [o.builtin, o.npv]));
    const others = answer.options.filter((o) => o.role === "option" && o.builtin !== answer.winner);
    expect(others.map((o) => o.builtin)).toContain(answer.lead.over);
    expect(same(answer.lead.npv, npv[answer.winner]! - npv[answer.lead.over]!)).toBe(true);
    expect(same(npv[answer.lead.over]!, Math.max(...others.map((o) => o.npv)))).toBe(true);
    expect(answer.lead.npv).toBeGreaterThanOrEqual(0);
  });

  it("solves every option to proven optimality with every check holding, the policies included", () => {
    for (const option of answer.options) {
      expect(option.status, option.builtin).toBe("optimal");
      const failed = option.invariants.filter((i) => !i.ok).map((i) => `${i.name}: ${i.detail}`);
      expect(failed, option.builtin).toEqual([]);
      expect(option.invariantsOk).toBe(true);
      expect(option.invariants.map((i) => i.name)).toEqual(
        expect.arrayContaining(["demand balance", "policies hold", "NPV recomputed"]),
      );
    }
  });

  it("flags a sensitivity run as changing the answer exactly when its winner differs from the baseline's", () => {
    const { sensitivity } = answer;
    const baseline = Object.fromEntries(answer.options.map((o) => [o.builtin, o.npv]));
    expect(sensitivity.baselineWinner).toBe(answer.winner);
    expect(sensitivity.runs.length).toBeGreaterThan(0);
    for (const run of sensitivity.runs) {
      const { best, lead } = ranking(run.npv);
      expect(run.npv[run.winner], run.variation.id).toBe(best);
      expect(same(run.margin, lead), run.variation.id).toBe(true);
      expect(run.flips, run.variation.id).toBe(run.winner !== sensitivity.baselineWinner);
      // an option the variation does not touch keeps its baseline NPV
      for (const [option, npv] of Object.entries(run.npv)) {
        if (!run.resolved.includes(option)) expect(same(npv, baseline[option]!), option).toBe(true);
      }
    }
    expect(sensitivity.robust).toBe(sensitivity.runs.every((r) => !r.flips));
  });

  it("lists, for each parameter, the values that flip the answer in the sensitivity table", () => {
    for (const hinge of answer.hinges) {
      const flipping = answer.sensitivity.runs
        .filter((r) => r.variation.parameter === hinge.parameter && r.flips)
        .map((r) => r.variation.value);
      expect(hinge.flipsAt, hinge.parameter).toEqual(flipping);
    }
  });

  it("explains the winner's decisions, each with the assumptions it leans on", () => {
    expect(answer.explanations.length).toBeGreaterThan(0);
    expect(answer.explanations.some((e) => (e.hingesOn ?? []).length > 0)).toBe(true);
    for (const e of answer.explanations) {
      expect(e.text).not.toBe("");
      for (const label of e.hingesOn ?? []) expect(label).toMatch(/ \(assumption\)$/);
    }
  });
});
