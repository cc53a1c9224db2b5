import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type LoadedStudy, loadStudySpec } from "../../src/domain/study-spec.js";
import { StudyReport } from "../../src/study/report.js";
import { prepareStudy, runStudy } from "../../src/study/run.js";
import { ThreadEngine } from "../../src/study/thread-engine.js";
import { OPTIMUM_GAP } from "../../src/solver/types.js";
import { alfaStudySpec } from "../browser/study-specs.js";

/**
 * The seed question's study over the same samples twice, with real solves: at a 5 % gap, where HiGHS stops with
 * bounds above its plans, and at the default, the optimum itself. What the gapped run reports as proven must
 * hold in the exact one, and its intervals must contain the exact values.
 */
const SAMPLES = 16;

async function run(loaded: LoadedStudy, mipRelGap?: number): Promise<StudyReport> {
  const { timeLimitSeconds } = loaded.spec.solver;
  const spec = {
    ...loaded.spec,
    solver: {
      ...(mipRelGap === undefined ? {} : { mipRelGap }),
      ...(timeLimitSeconds ? { timeLimitSeconds } : {}),
    },
    methods: { monteCarlo: { samples: SAMPLES, sampling: "latin-hypercube" as const } },
  };
  const engine = new ThreadEngine({ threads: 2 });
  try {
    return await runStudy({ ...loaded, spec }, { engine });
  } finally {
    await engine.close();
  }
}

/** a ≤ b up to the solves' own tolerance on NPVs of billions */
const atMost = (a: number, b: number) => expect(a).toBeLessThanOrEqual(b + 1e-6 * Math.max(1, Math.abs(b)));

describe("a study at a gap against the same study solved to the optimum", { timeout: 600_000 }, () => {
  let gapped: StudyReport;
  let exact: StudyReport;
  let loaded: LoadedStudy;
  beforeAll(async () => {
    loaded = await loadStudySpec("builtin:alfa-belvidere");
    gapped = await run(loaded, 0.05);
    exact = await run(loaded);
  }, 600_000);

  it("solves to the optimum unless the study asks for a gap", () => {
    const { mipRelGap: _, ...rest } = loaded.spec.solver;
    expect(prepareStudy({ ...loaded, spec: { ...loaded.spec, solver: rest } }).solver.mipRelGap).toBe(
      OPTIMUM_GAP,
    );
    expect(StudyReport.parse(exact)).toEqual(exact);
    const mc = exact.monteCarlo!;
    expect(mc.complete).toBe(SAMPLES);
    expect(mc.undecided).toBe(0);
    // the solves closed their gaps: every interval is its value
    expect(mc.headline!.probabilityRange).toEqual([mc.headline!.probability, mc.headline!.probability]);
    for (const o of mc.options) {
      expect(o.probabilityBestRange).toEqual([o.probabilityBest, o.probabilityBest]);
      expect(o.expectedRegretRange[1] - o.expectedRegretRange[0]).toBeLessThanOrEqual(
        1e-6 * Math.max(1, o.expectedRegret),
      );
    }
  });

  it("gives intervals where the gap leaves the order open, and they contain the exact values", () => {
    const g = gapped.monteCarlo!;
    const e = exact.monteCarlo!;
    expect(StudyReport.parse(gapped)).toEqual(gapped);
    expect(g.complete).toBe(SAMPLES);
    // HiGHS stops within 5 % with bounds above its plans: some samples' best option is left open
    expect(g.undecided).toBeGreaterThan(0);
    const [least, most] = g.headline!.probabilityRange;
    expect(most).toBeGreaterThan(least);
    atMost(least, e.headline!.probability);
    atMost(e.headline!.probability, most);
    for (const [i, o] of g.options.entries()) {
      const truth = e.options[i]!;
      atMost(o.expectedRegretRange[0], truth.expectedRegret);
      atMost(truth.expectedRegret, o.expectedRegretRange[1]);
      atMost(o.maxRegretRange[0], truth.maxRegret);
      atMost(truth.maxRegret, o.maxRegretRange[1]);
      atMost(o.probabilityBestRange[0], o.probabilityBest);
      atMost(o.probabilityBest, o.probabilityBestRange[1]);
    }
    for (const [i, a] of g.answers.entries()) {
      atMost(a.probabilityRange[0], e.answers[i]!.probability);
      atMost(e.answers[i]!.probability, a.probabilityRange[1]);
    }
  });

  it("calls an option best at a gap only where the exact solves agree", () => {
    const g = gapped.monteCarlo!;
    const e = exact.monteCarlo!;
    expect(e.draws.map((d) => d.values)).toEqual(g.draws.map((d) => d.values));
    for (const [i, d] of g.draws.entries()) {
      const truth = e.draws[i]!;
      // each exact optimum lies between the gapped plan and bound
      for (const o of Object.keys(d.npv)) {
        atMost(d.npv[o]!, truth.npv[o]!);
        atMost(truth.npv[o]!, d.bound[o]!);
      }
      if (d.winnerProven) expect(truth.winner, `sample ${d.sample}`).toBe(d.winner);
    }
    expect(g.draws.filter((d) => !d.winnerProven)).toHaveLength(g.undecided);
  });
});

describe("a break-even search at a gap", { timeout: 600_000 }, () => {
  it("stops where the solves leave the answer open, and names the options within the gap", async () => {
    const search = async (mipRelGap: number) => {
      const dir = mkdtempSync(join(tmpdir(), "portello-gap-"));
      const file = join(dir, "study.yaml");
      const spec = alfaStudySpec({
        id: "break-even-at-a-gap",
        question: "Where does the dollar flip the answer?",
        parameters: ["dollar"],
        methods: "{ breakEven: { tolerance: 0.001 } }",
        mipRelGap,
      });
      writeFileSync(file, spec);
      const engine = new ThreadEngine({ threads: 2 });
      try {
        return (await runStudy(await loadStudySpec(file), { engine })).breakEvens![0]!;
      } finally {
        await engine.close();
      }
    };
    const exact = await search(0);
    const flip = exact.sides.find((side) => side.flips !== undefined)!;
    expect(flip.winner).toBe("belvidere");
    // within 5 %, the bisection reaches values where Italy's plan is below the dual-sourced Belvidere's bound
    const gapped = await search(0.05);
    const stopped = gapped.sides.find((side) => side.end === flip.end)!;
    expect(stopped.flips).toBeUndefined();
    expect(stopped.stoppedBy).toBe("italy and belvidere within the solver's gap");
    expect(stopped.stoppedAt!).toBeGreaterThan(flip.end);
    expect(stopped.stoppedAt!).toBeLessThan(gapped.baseline);
  });
});
