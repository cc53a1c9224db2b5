import type { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { parseScenarioText } from "../../src/domain/load.js";
import { builtinResolver } from "../../src/domain/load.js";
import { assignAt, numbersAt, parseScenarioPath, ScenarioPathError } from "../../src/domain/scenario-path.js";
import { Scenario } from "../../src/domain/scenario.js";
import { loadStudySpec } from "../../src/domain/study-spec.js";
import type { PreparedStudy, StudyTask, TaskResult } from "../../src/study/contract.js";
import { assignmentsOf, prepareStudy } from "../../src/study/run.js";
import { monteCarloSampler } from "../../src/study/sampling.js";
import { HighsSolver } from "../../src/solver/highs.js";
import type { SolverAdapter } from "../../src/solver/types.js";
import {
  applyAssignments,
  createTaskExecutor,
  INVARIANT_CHECK_EVERY,
  MemoryResultCache,
  scenarioHash,
  solveKeyOf,
} from "../../src/study/execute.js";
import { ThreadEngine } from "../../src/study/thread-engine.js";
import { cpuSecondsDuring, slowStudy } from "../fixtures/slow-study.js";
import { TINY_SCENARIO } from "../fixtures/tiny-scenario.js";

const tiny = () => parseScenarioText(TINY_SCENARIO, "tiny.yaml", builtinResolver);

function pathError(run: () => unknown): ScenarioPathError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScenarioPathError) return error;
    throw error;
  }
  throw new Error("expected a ScenarioPathError");
}

describe("scenario paths", { timeout: 600_000 }, () => {
  it("parses fields, selectors, positions and wildcards", () => {
    expect(parseScenarioPath("demand[program=e-segment,market=us|china].volume.*")).toEqual(
      [
        {
          kind: "where",
          conditions: [
            { field: "program", values: ["e-segment"] },
            { field: "market", values: ["us", "china"] },
          ],
        },
        { kind: "field", name: "volume" },
        { kind: "all" },
      ].toSpliced(0, 0, { kind: "field", name: "demand" }),
    );
    expect(parseScenarioPath("plants[0].openCost")).toEqual([
      { kind: "field", name: "plants" },
      { kind: "index", index: 0 },
      { kind: "field", name: "openCost" },
    ]);
  });

  it("says where a path's syntax breaks", () => {
    expect(pathError(() => parseScenarioPath("plants[id=west.openCost")).message).toBe(
      "path 'plants[id=west.openCost': expected ']' at character 24, found the end of the path",
    );
    expect(pathError(() => parseScenarioPath("plants..openCost")).expected).toBe("a field name or '*'");
    expect(pathError(() => parseScenarioPath("plants[id]")).message).toContain(
      "a condition such as [id=cassino]",
    );
  });

  it("reaches numbers, changes nothing where a selector matches nothing, and names what it expected", async () => {
    const s = structuredClone(await tiny()) as unknown;
    expect(numbersAt(s, "plants[id=west].openCost").map((slot) => slot.at)).toEqual([
      "plants[id=west].openCost",
    ]);
    expect(numbersAt(s, "plants[id=belvidere].openCost")).toEqual([]);
    expect(assignAt(s, "plants[id=west|north].capacityPerShift", "scale", 2)).toHaveLength(2);
    expect((s as { plants: { capacityPerShift: number }[] }).plants.map((p) => p.capacityPerShift)).toEqual([
      100000, 120000,
    ]);
    // a growth volume is an object: its `volume` is the number
    expect(assignAt(s, "demand[program=sedan].volume.volume", "set", 1000)).toHaveLength(2);
    expect(pathError(() => numbersAt(s, "plants[id=west].opencost")).message).toMatch(
      /^path 'plants\[id=west\]\.opencost': at plants\[id=west\] expected a field 'opencost', found only id, name/,
    );
    expect(pathError(() => numbersAt(s, "demand[market=us].volume")).message).toContain(
      "expected a number (for every value of a record such as per-year volumes, add '.*'), found an object",
    );
    expect(pathError(() => numbersAt(s, "horizon[0]")).expected).toBe("a list for [0]");
  });

  it("applies a draw by copying only what it changes: the option's scenario stays as it was", async () => {
    const base = await tiny();
    const before = structuredClone(base);
    const applied = applyAssignments(base, {
      assignments: [
        { path: "plants[id=west|north].capacityPerShift", mode: "scale", value: 2 },
        { path: "plants[id=west].capacityPerShift", mode: "scale", value: 0.5 },
        { path: "discountRate", mode: "set", value: base.discountRate },
        { path: "plants[id=west].openCost", mode: "set", value: 7 },
      ],
    });
    if ("error" in applied) throw new Error(applied.error);
    expect(base).toEqual(before);
    const west = base.plants.findIndex((p) => p.id === "west");
    const north = base.plants.findIndex((p) => p.id === "north");
    expect(applied.scenario.plants[west]!.capacityPerShift).toBe(base.plants[west]!.capacityPerShift);
    expect(applied.scenario.plants[north]!.capacityPerShift).toBe(2 * base.plants[north]!.capacityPerShift);
    // west's capacity back where it was and the discount rate set to its own value: no change
    expect(applied.changes.map((c) => [c.position, c.after])).toEqual([
      [`.plants.${north}.capacityPerShift`, 2 * base.plants[north]!.capacityPerShift],
      [`.plants.${west}.openCost`, 7],
    ]);
    const again = applyAssignments(base, {
      assignments: [
        { path: "plants[id=west].openCost", mode: "set", value: 7 },
        { path: "plants[id=north].capacityPerShift", mode: "scale", value: 2 },
      ],
    });
    if ("error" in again) throw new Error(again.error);
    // the same scenario reached another way: the same solve key
    expect(solveKeyOf(base, again.changes, {})).toBe(solveKeyOf(base, applied.changes, {}));
    expect(solveKeyOf(base, [], {})).not.toBe(solveKeyOf(base, applied.changes, {}));
    // equal content built in another key order (another process, another parser): the same key
    const reordered = Object.fromEntries(Object.entries(structuredClone(base)).reverse()) as Scenario;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(base));
    expect(scenarioHash(reordered)).toBe(scenarioHash(base));
    expect(solveKeyOf(reordered, applied.changes, {})).toBe(solveKeyOf(base, applied.changes, {}));
    // the drawn scenario shares what the draw left alone with the option's: a solve must change neither
    const frozen = deepFreeze(structuredClone(base));
    const study: PreparedStudy = {
      id: "t",
      options: [{ id: "tiny", label: "Tiny", scenario: frozen }],
      solver: {},
    };
    const result = await createTaskExecutor()(study, { sample: 0, option: "tiny", assignments: [] });
    const drawn = await createTaskExecutor()(study, {
      sample: 20,
      option: "tiny",
      assignments: [{ path: "plants[id=north].capacityPerShift", mode: "scale", value: 2 }],
    });
    expect([result.status, drawn.status]).toEqual(["optimal", "optimal"]);
  });

  it("parses a draw only where it changed the scenario, to what parsing it whole gives", async () => {
    const loaded = await loadStudySpec("builtin:alfa-belvidere");
    const prepared = prepareStudy(loaded);
    const draw = monteCarloSampler(loaded.spec, 40, true);
    const byId = new Map(loaded.spec.parameters.map((p) => [p.id, p]));
    let compared = 0;
    for (let sample = 0; sample < 40; sample++) {
      const assignments = assignmentsOf(draw(sample), byId);
      for (const option of prepared.options) {
        const applied = applyAssignments(option.scenario, { assignments });
        if ("error" in applied) throw new Error(applied.error);
        // the same draw on a plain copy, parsed whole: the reference
        const data = structuredClone(option.scenario) as unknown;
        for (const a of assignments) assignAt(data, a.path, a.mode, a.value);
        expect(applied.scenario).toEqual(Scenario.parse(data));
        compared++;
      }
    }
    expect(compared).toBe(40 * prepared.options.length);
  });
});

describe("executing a task", { timeout: 600_000 }, () => {
  const studyOf = async (): Promise<PreparedStudy> => ({
    id: "t",
    options: [{ id: "tiny", label: "Tiny", scenario: await tiny() }],
    solver: { mipRelGap: 1e-6 },
  });
  const task = (sample: number, assignments: StudyTask["assignments"]): StudyTask => ({
    sample,
    option: "tiny",
    assignments,
  });

  it("solves the option under the draw and summarises the plan in words", async () => {
    const execute = createTaskExecutor();
    const study = await studyOf();
    const base = await execute(study, task(0, []));
    expect(base.status).toBe("optimal");
    expect(base.decisions["allocation:sedan"]).toBe("north");
    expect(base.served + base.unmet).toBeCloseTo(
      [2026, 2027, 2028, 2029, 2030].reduce(
        (s, y) => s + 40000 * 1.02 ** (y - 2026) + 20000 * 1.05 ** (y - 2026),
        0,
      ),
      0,
    );
    // dearer cars in the north make building in the west worth it: the decision changes with the draw
    const cheap = await execute(
      study,
      task(1, [{ path: "plants[id=north].costIndex", mode: "set", value: 1.2 }]),
    );
    expect(cheap.status).toBe("optimal");
    expect(cheap.decisions).toMatchObject({ "allocation:sedan": "west", "open:west": "2027" });
    expect(cheap.npv!).toBeLessThan(base.npv!);
    expect(cheap.solveKey).not.toBe(base.solveKey);
  });

  it("runs identical solves once, and reports a draw the schema refuses as an error naming it", async () => {
    const cache = new MemoryResultCache();
    const execute = createTaskExecutor({ cache });
    const study = await studyOf();
    const a = await execute(study, task(0, [{ path: "discountRate", mode: "set", value: 0.1 }]));
    const b = await execute(study, task(7, [{ path: "discountRate", mode: "scale", value: 1.25 }]));
    expect(cache.hits).toBe(1);
    expect({ ...b, seconds: 0 }).toEqual({ ...a, sample: 7, seconds: 0 });
    const bad = await execute(study, task(2, [{ path: "discountRate", mode: "set", value: 0.9 }]));
    expect(bad.status).toBe("error");
    expect(bad.message).toContain("discountRate");
    expect(bad.message).toContain("discountRate = 0.9");
    const badPath = await execute(study, task(3, [{ path: "plants[id=west].cost", mode: "set", value: 1 }]));
    expect(badPath).toMatchObject({ status: "error", npv: null });
    expect(badPath.message).toContain("expected a field 'cost'");
  });

  it("checks the plans of every INVARIANT_CHECK_EVERY-th sample; a plan that breaks the scenario is an error", async () => {
    const study = await studyOf();
    // a solver whose plans claim €1m more than they earn: the NPV check must catch it where it runs
    const highs = new HighsSolver();
    const overstating: SolverAdapter = {
      name: "overstating",
      solve: async (program, options) => {
        const solution = await highs.solve(program, options);
        return { ...solution, objective: solution.objective + (program.sense === "maximize" ? 1e6 : -1e6) };
      },
    };
    const execute = createTaskExecutor({ solver: overstating });
    const checked = await execute(study, task(INVARIANT_CHECK_EVERY, []));
    expect(checked).toMatchObject({ status: "error", npv: null });
    expect(checked.message).toMatch(/^the plan fails its checks: NPV recomputed \(recomputed .* vs solver/);
    // between spot checks the plan is taken as the solver gives it
    expect((await execute(study, task(1, []))).status).toBe("optimal");
    // the honest solver passes the same check
    expect((await createTaskExecutor()(study, task(0, []))).status).toBe("optimal");
  });
});

describe("the in-process engine", { timeout: 600_000 }, () => {
  it("gives the same results on 1 and 2 threads, each task exactly once", async () => {
    const study: PreparedStudy = {
      id: "threads",
      options: [{ id: "tiny", label: "Tiny", scenario: await tiny() }],
      solver: {},
    };
    const tasks: StudyTask[] = Array.from({ length: 8 }, (_, sample) => ({
      sample,
      option: "tiny",
      assignments: [{ path: "plants[id=north].costIndex", mode: "set", value: 1 + sample * 0.03 }],
    }));
    const runOn = async (threads: number) => {
      const engine = new ThreadEngine({ threads });
      const results: TaskResult[] = [];
      const progress: number[] = [];
      try {
        await engine.run(study, tasks, {
          onResult: (r) => void results.push(r),
          onProgress: (p) => progress.push(p.done),
        });
      } finally {
        await engine.close();
      }
      expect(progress).toEqual(tasks.map((_, i) => i + 1));
      return results.sort((a, b) => a.sample - b.sample).map(({ seconds: _, ...r }) => r);
    };
    const one = await runOn(1);
    const two = await runOn(2);
    expect(one.map((r) => r.sample)).toEqual(tasks.map((t) => t.sample));
    expect(two).toEqual(one);
    expect(new Set(one.map((r) => r.decisions["allocation:sedan"]))).toEqual(new Set(["north", "west"]));
  });

  it("stops on cancel with an AbortError", async () => {
    const study: PreparedStudy = {
      id: "cancel",
      options: [{ id: "tiny", label: "Tiny", scenario: await tiny() }],
      solver: {},
    };
    const tasks: StudyTask[] = Array.from({ length: 40 }, (_, sample) => ({
      sample,
      option: "tiny",
      assignments: [{ path: "discountRate", mode: "set", value: 0.05 + sample / 1000 }],
    }));
    const engine = new ThreadEngine({ threads: 1 });
    const controller = new AbortController();
    let seen = 0;
    const running = engine.run(study, tasks, {
      onResult: () => {
        if (++seen === 2) controller.abort();
      },
      signal: controller.signal,
    });
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toBe(2);
    await engine.close();
  });

  it("retries a task whose thread dies, reports it after a second death, and runs the rest", async () => {
    const { prepared } = await slowStudy("thread-deaths");
    const study: PreparedStudy = {
      ...prepared,
      options: [...prepared.options, { id: "tiny", label: "Tiny", scenario: await tiny() }],
    };
    const tasks: StudyTask[] = [
      { sample: 0, option: "big", assignments: [] },
      { sample: 0, option: "tiny", assignments: [] },
      { sample: 1, option: "tiny", assignments: [] },
    ];
    const engine = new ThreadEngine({ threads: 1 });
    // the engine's one thread, as the test kills it (a thread dies so when it runs out of memory)
    const thread = () => (engine as unknown as { slots: { worker: Worker }[] }).slots[0]!.worker;
    const results: TaskResult[] = [];
    const running = engine.run(study, tasks, { onResult: (r) => void results.push(r) });
    for (let death = 0; death < 2; death++) {
      // seconds into the big task's solve of minutes
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(results).toEqual([]);
      await thread().terminate();
    }
    await running;
    expect(results.map((r) => [r.option, r.status])).toEqual([
      ["big", "error"],
      ["tiny", "optimal"],
      ["tiny", "optimal"],
    ]);
    expect(results[0]!.message).toContain("died twice");
    await engine.close();
  });

  it("stops the solve under way on cancel; the engine then runs the next study", async () => {
    const { prepared, tasks } = await slowStudy("cancel-mid-solve");
    const engine = new ThreadEngine({ threads: 1 });
    const controller = new AbortController();
    let heard = 0;
    const running = engine.run(prepared, tasks, { onResult: () => void heard++, signal: controller.signal });
    // a few seconds into a solve of minutes
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(heard).toBe(0);
    const cancelled = performance.now();
    controller.abort();
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
    // the run ends once the solve has stopped — at HiGHS' next interrupt check, or, on a machine so loaded that
    // the check comes late, when the thread is terminated after the engine's 5 s grace: seconds, not minutes
    expect((performance.now() - cancelled) / 1000).toBeLessThan(12);
    expect(heard).toBe(0);
    // nothing solves on in the background
    expect(await cpuSecondsDuring(1500)).toBeLessThan(0.5);
    // the same thread takes the next run
    const study: PreparedStudy = {
      id: "after-cancel",
      options: [{ id: "tiny", label: "Tiny", scenario: await tiny() }],
      solver: {},
    };
    const results: TaskResult[] = [];
    await engine.run(study, [{ sample: 0, option: "tiny", assignments: [] }], {
      onResult: (r) => void results.push(r),
    });
    expect(results.map((r) => r.status)).toEqual(["optimal"]);
    await engine.close();
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
