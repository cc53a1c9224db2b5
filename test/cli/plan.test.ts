import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { formatProgress } from "../../src/cli/commands/plan-report.js";
import { formatMoney } from "../../src/cli/output.js";
import { solveScenario } from "../../src/plan/solve.js";
import type { SolveProgress } from "../../src/solver/types.js";
import { scenario } from "../plan/scenarios.js";

const root = resolve(import.meta.dirname, "../..");
const fixture = (name: string) => join("test/fixtures/plan", name);

function portello(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("portello solve", () => {
  it("prints a report with decisions, money, utilisation, explanations and checks", () => {
    const run = portello("solve", fixture("two-plants.yaml"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("NPV €4,130.0m (status optimal");
    expect(run.stdout).toMatch(/Giulia\s+Belvidere\s+2026–2027\s+new\s+260,000/);
    expect(run.stdout).toMatch(/2026\s+Belvidere\s+reopen\s+€50\.0m/);
    expect(run.stdout).toMatch(/Belvidere\s+2×65%\s+2×65%/);
    expect(run.stdout).toContain("Giulia → Belvidere: €742.3m better NPV than Cassino");
    expect(run.stdout).toContain("Checks: 7 of 7 hold");
  });

  it("prints the plan as JSON, and writes it with --out, refusing to overwrite without --force", () => {
    const out = join(mkdtempSync(join(tmpdir(), "portello-plan-")), "plan.json");
    const first = portello("solve", fixture("keep-in-italy.yaml"), "--json", "--no-explain", "--out", out);
    expect(first.code).toBe(0);
    const printed = JSON.parse(first.stdout);
    expect(printed.allocations[0]).toMatchObject({ program: "giulia", plant: "cassino" });
    expect(printed.explanations).toEqual([]);
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual(printed);

    const again = portello("solve", fixture("keep-in-italy.yaml"), "--out", out);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`portello: ${out} exists; use --force to overwrite it\n`);
    expect(portello("solve", fixture("two-plants.yaml"), "--out", out, "--force", "--no-explain").code).toBe(
      0,
    );
    expect(JSON.parse(readFileSync(out, "utf8")).allocations[0].plant).toBe("belvidere");
  });

  it("exits 4 on an infeasible scenario and prints the reasons in domain words", () => {
    const run = portello("solve", fixture("italy-one-shift.yaml"));
    expect(run.code).toBe(4);
    expect(run.stdout).toContain("has no feasible plan");
    expect(run.stdout).toContain(
      "Cassino (1 shift max, 100,000 vehicles a year) cannot build the 130,000 Giulia a year that policy 'keep Giulia in Italy' requires in 2026–2027: 30,000 short",
    );
  });

  it("rejects a bad gap and a missing scenario with a message, not a stack trace", () => {
    const gap = portello("solve", fixture("two-plants.yaml"), "--gap", "2");
    expect(gap.code).toBe(64);
    expect(gap.stderr).toContain("expected a relative gap between 0 and 1");
    const missing = portello("solve", fixture("no-such.yaml"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(missing.stderr).toContain("no-such.yaml");
  });
});

describe("portello compare", () => {
  it("shows KPIs side by side and the decisions that differ, from scenarios or saved plans", () => {
    const dir = mkdtempSync(join(tmpdir(), "portello-compare-"));
    const saved = join(dir, "italy.json");
    expect(portello("solve", fixture("keep-in-italy.yaml"), "--no-explain", "--out", saved).code).toBe(0);
    const run = portello("compare", fixture("two-plants.yaml"), saved);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/NPV\s+€4,130\.0m\s+€3,387\.7m/);
    expect(run.stdout).toMatch(/allocation\s+giulia\s+belvidere 2026–2027\s+cassino 2026–2027/);
    expect(run.stdout).toMatch(/opening\s+belvidere\s+reopen 2026\s+—/);

    expect(run.stdout).toMatch(
      /NPV against two-plants\n {2}keep-in-italy: -€742\.3m \(both proven optimal\)/,
    );

    const json = JSON.parse(portello("compare", fixture("two-plants.yaml"), saved, "--json").stdout);
    expect(json.plans.map((p: { id: string }) => p.id)).toEqual(["two-plants", "keep-in-italy"]);
  });

  it("solves scenarios to the optimum unless given a gap, and then says what the solves prove", () => {
    const options = ["builtin:alfa/italy-more-shifts", "builtin:alfa/reopen-belvidere-multi-source"];
    const exact = portello("compare", ...options);
    expect(exact.code).toBe(0);
    expect(exact.stdout).toMatch(/alfa-reopen-belvidere-multi-source: -€189\.1m \(both proven optimal\)/);
    const gapped = portello("compare", ...options, "--gap", "0.05");
    expect(gapped.code).toBe(0);
    expect(gapped.stdout).toMatch(
      /alfa-reopen-belvidere-multi-source: -€189\.1m between the plans; between the optima -€[\d,.]+m to -€[\d,.]+m \(not both proven optimal/,
    );
    expect(portello("compare", ...options, "--gap", "2").stderr).toContain(
      "expected a relative gap between 0 and 1",
    );
  });

  it("refuses a single input and a JSON file that is neither plan nor scenario", () => {
    expect(portello("compare", fixture("two-plants.yaml")).code).toBe(64);
    const dir = mkdtempSync(join(tmpdir(), "portello-compare-"));
    const junk = join(dir, "junk.json");
    writeFileSync(junk, '{"hello": 1}');
    const run = portello("compare", fixture("two-plants.yaml"), junk);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`portello: ${junk}: neither a plan (from solve --out) nor a scenario\n`);
    expect(existsSync(junk)).toBe(true);
  });
});

describe("the solve progress line", () => {
  it.each(["profit", "serve-all"] as const)(
    "shows the incumbent as the NPV the %s report ends with",
    async (mode) => {
      const s = scenario((input) => (input.objective = { mode }));
      const seen: SolveProgress[] = [];
      const plan = await solveScenario(s, {
        explain: false,
        mipRelGap: 1e-9,
        onProgress: (p) => seen.push(p),
      });
      const last = seen.findLast((p) => p.incumbent !== undefined)!;
      expect(formatProgress(last, s)).toContain(`best NPV ${formatMoney(plan.npv, s.currency)}`);
      if (mode === "serve-all") expect(plan.npv).toBeLessThan(0);
    },
  );
});
