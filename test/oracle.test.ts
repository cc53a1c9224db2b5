import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { ValidationError } from "../src/domain/issues.js";
import { Scenario } from "../src/domain/scenario.js";
import { solveScenario } from "../src/plan/solve.js";
import type { Plan } from "../src/plan/types.js";
import { bruteForce } from "./oracle/brute-force.js";
import { randomScenario } from "./oracle/random-scenario.js";

/**
 * The MILP against the brute-force oracle (test/oracle/) on random tiny scenarios: same feasibility, same
 * optimum to 1e-6 relative, and every invariant of the solved plan holds. A failure prints the seed and the
 * scenario as YAML: save the smallest one under test/fixtures/oracle-failures/ and replay it with
 * `portello solve <file>`; the fixtures are replayed here too.
 */

/** seeds of the default profile, and of the dense one (largest sizes, the most combinations) */
const SEEDS = 300;
const DENSE_SEEDS = 50;
const BATCH = 50;
const RELATIVE = 1e-6;
const FIXTURES = new URL("./fixtures/oracle-failures/", import.meta.url);

/**
 * Disagreements traced to open bugs outside the oracle, each with its fixture. They are asserted to still
 * disagree, so that the fix turns them red: then delete the entry (and keep the fixture as a regression test).
 */
const OPEN_BUGS: Record<string, string> = {};
const OPEN_BUG_SEEDS: Record<string, string> = {};

interface Case {
  label: string;
  scenario: () => Scenario;
}

function cases(count: number, dense: boolean): Case[] {
  return Array.from({ length: count }, (_, i) => ({
    label: `${dense ? "dense seed" : "seed"} ${i + 1}`,
    scenario: () => randomScenario(i + 1, { dense }),
  }));
}
const CASES = [...cases(SEEDS, false), ...cases(DENSE_SEEDS, true)];

const tally = { seeds: 0, feasible: 0, rejected: 0, agreed: 0, combinations: 0 };

function agree(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-6, RELATIVE * Math.max(Math.abs(a), Math.abs(b)));
}

/** Every way the MILP's plan of a scenario disagrees with the oracle, in words; empty when it agrees. */
async function disagreements(scenario: Scenario): Promise<string[]> {
  const oracle = bruteForce(scenario);
  tally.seeds++;
  tally.combinations += oracle.combinations;
  const plan = await solveOrReject(scenario);
  const problems: string[] = [];
  if (plan === "rejected") {
    // the loader rejects contradictions (keep-open before a plant exists, ...): they must be infeasible
    tally.rejected++;
    if (oracle.feasible) problems.push(`rejected by the loader, but the oracle finds NPV ${oracle.npv}`);
  } else if (
    oracle.feasible !== (plan.status === "optimal") ||
    (!oracle.feasible && plan.status !== "infeasible")
  ) {
    problems.push(
      `status: oracle ${oracle.feasible ? "feasible" : "infeasible"}, MILP ${plan.status} (npv ${plan.npv})`,
    );
  } else if (oracle.feasible) {
    tally.feasible++;
    if (!agree(oracle.npv, plan.npv)) problems.push(`npv: oracle ${oracle.npv}, MILP ${plan.npv}`);
    for (const inv of plan.invariants) if (!inv.ok) problems.push(`invariant "${inv.name}": ${inv.detail}`);
  }
  if (problems.length === 0) tally.agreed++;
  else problems.push(`oracle optimum: ${JSON.stringify(oracle.best)}`);
  return problems;
}

async function solveOrReject(scenario: Scenario): Promise<Plan | "rejected"> {
  try {
    return await solveScenario(scenario, { mipRelGap: 1e-9, explain: false });
  } catch (error) {
    if (error instanceof ValidationError) return "rejected";
    throw error;
  }
}

function report(label: string, scenario: Scenario, problems: string[]): string {
  return [`${label}:`, ...problems.map((p) => `  ${p}`), stringify(scenario)].join("\n");
}

describe("MILP agrees with the brute-force oracle on random tiny scenarios", () => {
  for (let first = 0; first < CASES.length; first += BATCH) {
    const batch = CASES.slice(first, first + BATCH);
    it(`${batch[0]!.label} to ${batch.at(-1)!.label}`, async () => {
      const failures: string[] = [];
      for (const { label, scenario: make } of batch) {
        if (label in OPEN_BUG_SEEDS) continue;
        const scenario = make();
        const problems = await disagreements(scenario);
        if (problems.length > 0) failures.push(report(label, scenario, problems));
      }
      if (failures.length > 0) expect.fail(`${failures.length} seeds disagree\n\n${failures.join("\n\n")}`);
    });
  }

  for (const { label, scenario } of CASES.filter((c) => c.label in OPEN_BUG_SEEDS)) {
    it(`${label} still shows the open bug of ${OPEN_BUG_SEEDS[label]}`, async () => {
      const problems = await disagreements(scenario());
      expect(problems, `${label} now agrees: remove it from OPEN_BUG_SEEDS`).not.toEqual([]);
    });
  }

  afterAll(() => {
    console.log(
      `oracle: ${tally.agreed}/${tally.seeds} scenarios agree (${tally.feasible} feasible, ` +
        `${tally.rejected} rejected by the loader), ${tally.combinations} allocation×pattern combinations`,
    );
  });
});

describe("saved oracle failures replay", () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".yaml"));
  for (const file of files) {
    it(file, async () => {
      const scenario = Scenario.parse(parse(readFileSync(new URL(file, FIXTURES), "utf8")));
      const problems = await disagreements(scenario);
      if (file in OPEN_BUGS) {
        expect(problems, `${file} now agrees: remove it from OPEN_BUGS`).not.toEqual([]);
      } else if (problems.length > 0) {
        expect.fail(report(file, scenario, problems));
      }
    });
  }
});
