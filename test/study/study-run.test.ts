import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { ValidationError } from "../../src/domain/issues.js";
import { loadStudySpec } from "../../src/domain/study-spec.js";
import { StudyReport } from "../../src/study/report.js";
import { runStudy } from "../../src/study/run.js";
import { ThreadEngine } from "../../src/study/thread-engine.js";
import { TINY_SCENARIO } from "../fixtures/tiny-scenario.js";

const root = resolve(import.meta.dirname, "../..");

/**
 * Two options on the tiny network: build the sedan in the north (Italy) or open the west plant (US). The north's
 * cost index decides: dearer cars there make the west worth its opening cost.
 */
const SPEC = `portello: 1
id: tiny-study
question: Open the west plant?
headline: { answer: "yes", against: "no" }
seed: 7
options:
  - { id: north, scenario: north.yaml, answer: "no" }
  - { id: west, scenario: west.yaml, answer: "yes" }
factors:
  - { id: costs, label: cost level, why: both plants buy from the same suppliers }
parameters:
  - id: north-cost
    label: North cost index
    path: "plants[id=north].costIndex"
    distribution: { kind: uniform, min: 0.95, max: 1.25 }
    factor: { id: costs, weight: 0.5 }
    cite: { assumption: "a test range around the scenario's 1.0" }
  - id: west-open
    label: West opening cost
    path: "plants[id=west].openCost"
    unit: money
    distribution: { kind: triangular, min: 200000000, mode: 300000000, max: 400000000 }
    cite: { assumption: "a test range around the scenario's €300m" }
  - id: demand
    label: demand
    path: "demand[program=sedan].volume.volume"
    mode: scale
    unit: factor
    distribution: { kind: discrete, values: [0.9, 1, 1.1] }
    factor: { id: costs, weight: -0.3 }
    cite: { assumption: "a test range" }
methods:
  monteCarlo: { samples: 12 }
  tornado: {}
  breakEven: { parameters: [north-cost], tolerance: 0.01 }
`;

function writeStudy(spec = SPEC): string {
  const dir = mkdtempSync(join(tmpdir(), "portello-study-"));
  writeFileSync(
    join(dir, "north.yaml"),
    `${TINY_SCENARIO}policies:\n  - { id: keep, kind: forbid-allocation, program: sedan, plant: west }\n`,
  );
  writeFileSync(
    join(dir, "west.yaml"),
    "portello: 1\nextends: north.yaml\nid: tiny-west\nname: West\npolicies:\n  - { id: keep, kind: fix-allocation, program: sedan, plant: west }\n",
  );
  writeFileSync(join(dir, "study.yaml"), spec);
  return join(dir, "study.yaml");
}

async function run(file: string, threads: number): Promise<StudyReport> {
  const engine = new ThreadEngine({ threads });
  try {
    return await runStudy(await loadStudySpec(file), { engine });
  } finally {
    await engine.close();
  }
}

/** The report without what depends on the machine (times). */
const results = (r: StudyReport) => ({ ...r, run: { ...r.run, seconds: 0, solveSeconds: 0 } });

describe("a study run", { timeout: 600_000 }, () => {
  let one: StudyReport;
  let two: StudyReport;
  let file: string;
  beforeAll(async () => {
    file = writeStudy();
    one = await run(file, 1);
    two = await run(file, 2);
  }, 600_000);

  it("gives identical results on 1 and 2 threads, and a report its schema accepts", () => {
    expect(results(two)).toEqual(results(one));
    expect(StudyReport.parse(one)).toEqual(one);
    expect(one.monteCarlo!.draws).toHaveLength(12);
  });

  it("counts wins, the headline and regrets from the samples", () => {
    const mc = one.monteCarlo!;
    expect(mc.complete).toBe(12);
    const west = mc.draws.filter((d) => d.winner === "west").length;
    expect(west).toBeGreaterThan(0);
    expect(west).toBeLessThan(12);
    expect(mc.headline!.probability).toBeCloseTo(west / 12, 12);
    expect(mc.options.find((o) => o.id === "west")!.probabilityBest).toBeCloseTo(west / 12, 12);
    for (const d of mc.draws) expect(d.npv[d.winner!]).toBe(Math.max(d.npv.north!, d.npv.west!));
    const regretNorth = mc.draws.map((d) => Math.max(d.npv.north!, d.npv.west!) - d.npv.north!);
    expect(mc.options[0]!.maxRegret).toBeCloseTo(Math.max(...regretNorth), 3);
    expect(mc.histogram.bins).toBe(30);
    expect(mc.options.map((o) => o.histogram.reduce((s, n) => s + n, 0))).toEqual([12, 12]);
  });

  it("ranks the tornado by swing and brackets the break-even where re-solves flip the answer", async () => {
    const t = one.tornado!;
    expect(t.rows.map((r) => r.swing!)).toEqual([...t.rows.map((r) => r.swing!)].sort((a, b) => b - a));
    for (const row of t.rows) expect(row.swing).toBeCloseTo(Math.abs(row.high.lead! - row.low.lead!), 3);
    const [b] = one.breakEvens!;
    const side = b!.sides.find((s) => s.flips !== undefined)!;
    expect(Math.abs(side.flips! - side.holds!)).toBeLessThanOrEqual(b!.tolerance);
    expect(side.winner).toBe("west");
    // re-solved on each side of the bracket, the answer is as the report says
    const loaded = await loadStudySpec(file);
    const at = async (value: number) => {
      const spec = {
        ...loaded.spec,
        methods: { grid: { parameters: ["north-cost"], steps: 2, low: 0, high: 1 } },
      };
      const dist = { kind: "fixed" as const, value };
      spec.parameters = spec.parameters.map((p) =>
        p.id === "north-cost" ? { ...p, distribution: dist } : p,
      );
      const engine = new ThreadEngine({ threads: 1 });
      try {
        return (await runStudy({ ...loaded, spec }, { engine })).grid!.points[0]!.winner;
      } finally {
        await engine.close();
      }
    };
    expect(await at(side.holds!)).toBe("north");
    expect(await at(side.flips!)).toBe("west");
  });
});

describe("a study whose draws leave some solves without an optimum", { timeout: 600_000 }, () => {
  it("counts them by status and keeps them out of the distributions", async () => {
    // a discount rate above 0.5 is outside the scenario language: those samples are errors, never solved
    const file = writeStudy(
      SPEC.replace('path: "plants[id=north].costIndex"', "path: discountRate")
        .replace("min: 0.95, max: 1.25", "min: 0.3, max: 0.7")
        .replace(/ {2}tornado: \{\}\n {2}breakEven: .*\n/, ""),
    );
    const report = await run(file, 2);
    const mc = report.monteCarlo!;
    const broken = mc.draws.filter((d) => d.values["north-cost"]! > 0.5);
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.length).toBeLessThan(12);
    expect(mc.complete).toBe(12 - broken.length);
    expect(mc.statusCounts.north).toEqual({ optimal: 12 - broken.length, error: broken.length });
    for (const d of broken) expect(d).toMatchObject({ winner: null, npv: { north: null, west: null } });
    expect(mc.options.map((o) => o.npv!.count)).toEqual([mc.complete, mc.complete]);
    expect(mc.problems[0]!.message).toContain("discountRate");
    expect(mc.headline!.probability * mc.complete).toBeCloseTo(
      mc.draws.filter((d) => d.winner === "west").length,
      9,
    );
  });
});

describe("portello study", { timeout: 600_000 }, () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "study", ...args], {
      cwd: root,
      encoding: "utf8",
    });

  it("prints a report, --json and --csv of every sample, with --samples overriding the file", () => {
    const file = writeStudy(SPEC.replace(/ {2}breakEven: .*\n/, ""));
    const text = cli(file, "--samples", "4", "--workers", "2");
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('an option answering "yes" is best in');
    expect(text.stdout).toContain("MONTE CARLO: 4 samples (latin-hypercube), seed 7");
    expect(text.stdout).toContain("TORNADO");
    expect(text.stderr).toMatch(/portello: monte-carlo 4\/4 samples \(8\/8 solves\), [\d.]+ solves\/s/);
    const csv = cli(file, "--samples", "3", "--csv", "-");
    expect(csv.status).toBe(0);
    const lines = csv.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      "sample,north-cost,west-open,demand,npv:north,bound:north,status:north,npv:west,bound:west,status:west,winner,proven",
    );
    expect(lines).toHaveLength(4);
    const json = cli(file, "--samples", "3", "--json");
    const report = StudyReport.parse(JSON.parse(json.stdout));
    expect(report.monteCarlo!.draws.map((d) => [d.sample, d.values["north-cost"]])).toEqual(
      lines.slice(1).map((l) => [Number(l.split(",")[0]), Number(l.split(",")[1])]),
    );
  });

  it("solves within --gap where asked, and every bound then at least its plan", () => {
    const column = (csv: string, name: string) => {
      const [header, ...rows] = csv
        .trim()
        .split("\n")
        .map((line) => line.split(","));
      const at = header!.indexOf(name);
      return rows.map((row) => Number(row[at]));
    };
    const gapped = cli("builtin:alfa-belvidere", "--samples", "2", "--gap", "0.05", "--csv", "-");
    expect(gapped.status).toBe(0);
    const [npv, bound] = [column(gapped.stdout, "npv:italy"), column(gapped.stdout, "bound:italy")];
    // within 5 %, HiGHS stops with Italy's bound above its plan; solved to the optimum, they meet
    expect(bound.every((b, i) => b >= npv[i]!)).toBe(true);
    expect(bound.some((b, i) => b > npv[i]! + 1e6)).toBe(true);
    const exact = cli("builtin:alfa-belvidere", "--samples", "2", "--csv", "-");
    const closed = column(exact.stdout, "npv:italy");
    column(exact.stdout, "bound:italy").forEach((b, i) => {
      expect(b - closed[i]!).toBeLessThanOrEqual(1e-8 * Math.abs(closed[i]!));
    });
    expect(cli("builtin:alfa-belvidere", "--gap", "5").stderr).toContain(
      "expected a relative gap between 0 and 1",
    );
  });

  it("writes the report as a workbook, and never overwrites a file unasked", async () => {
    const file = writeStudy(SPEC.replace(/ {2}breakEven: .*\n/, ""));
    const dir = mkdtempSync(join(tmpdir(), "portello-study-out-"));
    const xlsx = join(dir, "study.xlsx");
    const json = cli(file, "--samples", "3", "--xlsx", xlsx, "--json");
    expect(json.status).toBe(0);
    const report = StudyReport.parse(JSON.parse(json.stdout));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(xlsx);
    expect(workbook.worksheets.map((w) => w.name)).toEqual([
      "Summary",
      "Options",
      "Samples",
      "Parameters",
      "Tornado",
    ]);
    const options = workbook.getWorksheet("Options")!;
    expect(options.getRow(1).getCell(3).value).toBe("P(best)");
    const shown = report.monteCarlo!.options.map((_, i) => options.getRow(i + 2).getCell(3).value);
    expect(shown).toEqual(report.monteCarlo!.options.map((o) => o.probabilityBest));
    const samples = workbook.getWorksheet("Samples")!;
    expect(samples.rowCount).toBe(1 + 3);
    // sample, three parameters, then NPV, bound and status of each option
    expect(samples.getRow(2).getCell(5).value).toBe(report.monteCarlo!.draws[0]!.npv.north);
    // an existing file is refused before the study runs, unless --force
    writeFileSync(join(dir, "kept.csv"), "mine");
    for (const args of [
      ["--xlsx", xlsx],
      ["--csv", join(dir, "kept.csv")],
    ]) {
      const refused = cli(file, "--samples", "3", ...args);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toBe(`portello: ${args[1]} exists; use --force to overwrite it\n`);
      expect(refused.stderr).not.toContain("monte-carlo");
    }
    expect(readFileSync(join(dir, "kept.csv"), "utf8")).toBe("mine");
    expect(cli(file, "--samples", "3", "--csv", join(dir, "kept.csv"), "--force").status).toBe(0);
    expect(readFileSync(join(dir, "kept.csv"), "utf8")).toMatch(/^sample,/);
  });

  it("reports spec errors at their line, never with a stack trace", async () => {
    const bad = SPEC.replace("min: 0.95, max: 1.25", "min: 1.25, max: 0.95").replace(
      'path: "plants[id=west].openCost"',
      'path: "plants[id=west].openCosts"',
    );
    const file = writeStudy(bad);
    const run = cli(file);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`${file}:15:`);
    expect(run.stderr).toContain("parameters[0].distribution.max: expected a max not below min, found 0.95");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // the path is checked against the options once the schema passes
    const pathFile = writeStudy(
      SPEC.replace('path: "plants[id=west].openCost"', 'path: "plants[id=west].openCosts"'),
    );
    await expect(loadStudySpec(pathFile)).rejects.toThrow(ValidationError);
    const paths = cli(pathFile);
    expect(paths.status).toBe(2);
    expect(paths.stderr).toContain(
      `${pathFile}:20:11: parameters[1].path: path 'plants[id=west].openCosts': at plants[id=west] expected a field 'openCosts'`,
    );
    const nothing = writeStudy(
      SPEC.replace('path: "plants[id=west].openCost"', 'path: "plants[id=east].openCost"'),
    );
    expect(cli(nothing).stderr).toContain(
      `${nothing}:20:11: parameters[1].path: path 'plants[id=east].openCost' reaches no number in any option (north, west)`,
    );
    const unknown = writeStudy(
      SPEC.replace("factor: { id: costs, weight: 0.5 }", "factor: { id: cost, weight: 0.5 }"),
    );
    expect(cli(unknown).stderr).toMatch(
      /:16:\d+: parameters\[0\]\.factor\.id: expected one of the file's factors \(costs\), found the text "cost"/,
    );
  });
});
