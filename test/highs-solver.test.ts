import { describe, expect, it } from "vitest";
import { cflpToScenario } from "../src/domain/formats/cflp.js";
import { buildModel } from "../src/model/build.js";
import { HighsSolver } from "../src/solver/highs.js";
import type { SolveProgress } from "../src/solver/types.js";
import { smallNetwork } from "./model-fixtures.js";

/** A random facility-location instance that HiGHS needs many seconds to prove optimal (fixed seed). */
function hardInstance() {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const m = 60;
  const demand = Array.from({ length: 200 }, () => 10 + Math.floor(random() * 90));
  const total = demand.reduce((a, b) => a + b, 0);
  return cflpToScenario(
    {
      capacity: Array.from({ length: m }, () => Math.round((total / m) * 3)),
      fixedCost: Array.from({ length: m }, () => 5000 + Math.floor(random() * 5000)),
      demand,
      cost: demand.map((d) => Array.from({ length: m }, () => d * (1 + random() * 50))),
    },
    { id: "hard" },
  );
}

describe("HighsSolver", () => {
  it("finds the same optimum in this thread and in a worker", async () => {
    const { program } = buildModel(smallNetwork());
    const thread = await new HighsSolver({ run: "thread" }).solve(program, { mipRelGap: 1e-9 });
    const worker = await new HighsSolver({ run: "worker" }).solve(program, { mipRelGap: 1e-9 });
    expect(thread.status).toBe("optimal");
    expect(worker.status).toBe("optimal");
    expect(worker.objective).toBeCloseTo(thread.objective, 3);
    expect(Array.from(worker.x)).toEqual(Array.from(thread.x));
  });

  it("reports progress and stops a worker solve when the signal aborts, keeping the incumbent", async () => {
    const { program } = buildModel(hardInstance());
    const controller = new AbortController();
    const progress: SolveProgress[] = [];
    const solution = await new HighsSolver().solve(program, {
      mipRelGap: 1e-9,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.incumbent !== undefined) controller.abort();
      },
    });
    expect(solution.status).toBe("cancelled");
    expect(progress.some((p) => p.incumbent !== undefined)).toBe(true);
    expect(solution.x.length).toBe(program.numCols);
    expect(solution.objective).toBeGreaterThan(0);
  });

  it("does not start when the signal has already aborted", async () => {
    const { program } = buildModel(smallNetwork());
    const solution = await new HighsSolver().solve(program, { signal: AbortSignal.abort() });
    expect(solution.status).toBe("cancelled");
    expect(solution.x.length).toBe(0);
  });

  it("returns the incumbent at the time limit", async () => {
    const { program } = buildModel(hardInstance());
    const solution = await new HighsSolver({ run: "thread" }).solve(program, {
      timeLimitSeconds: 1,
      mipRelGap: 0,
    });
    expect(solution.status).toBe("time-limit");
    expect(solution.gap).toBeGreaterThan(0);
  });
});
