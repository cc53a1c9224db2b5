import { describe, expect, it } from "vitest";
import { buildModel } from "../src/model/build.js";
import { dropForcedZeros, expandReduced } from "../src/model/forced-zeros.js";
import type { MathProgram } from "../src/model/program.js";
import { HighsSolver } from "../src/solver/highs.js";
import { randomScenario } from "./oracle/random-scenario.js";

/** max x1 + 2 x2 + y: x1 + x2 − 5a ≤ 0, x2 + y ≤ 3, a fixed by the caller, y ≤ 2; an extra row −x1 ≥ −4 */
function tiny(a: number): MathProgram {
  const index = (n: number) => ({
    kind: new Uint8Array(n),
    program: new Int32Array(n).fill(-1),
    plant: new Int32Array(n).fill(-1),
    market: new Int32Array(n).fill(-1),
    platform: new Int32Array(n).fill(-1),
    policy: new Int32Array(n).fill(-1),
    year: new Int32Array(n).fill(-1),
  });
  return {
    sense: "maximize",
    numCols: 4,
    numRows: 3,
    // columns: x1, x2, a, y
    colLower: Float64Array.from([0, 0, a, 0]),
    colUpper: Float64Array.from([10, 10, a, 2]),
    colCost: Float64Array.from([1, 2, 0, 1]),
    integrality: Uint8Array.from([0, 0, 1, 0]),
    objectiveOffset: 7,
    rowLower: Float64Array.from([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, -4]),
    rowUpper: Float64Array.from([0, 3, Number.POSITIVE_INFINITY]),
    rowStart: Int32Array.from([0, 3, 5, 6]),
    colIndex: Int32Array.from([0, 1, 2, 1, 3, 0]),
    value: Float64Array.from([1, 1, -5, 1, 1, -1]),
    cols: index(4),
    rows: index(3),
  };
}

describe("dropForcedZeros", () => {
  it("drops the columns a fixed allocation of 0 holds at zero, and the rows left empty", () => {
    const reduced = dropForcedZeros(tiny(0));
    // x1 and x2 are forced to 0 by x1 + x2 ≤ 5·0, and a is fixed at 0: only y stays
    expect([...reduced.kept]).toEqual([3]);
    expect(reduced.program.numRows).toBe(1); // x2 + y ≤ 3 keeps y; the other rows are emptied, and 0 satisfies them
    expect([...reduced.program.colIndex]).toEqual([0]);
    expect(reduced.program.rowUpper[0]).toBe(3);
    expect(reduced.program.objectiveOffset).toBe(7);
    expect([...expandReduced(reduced, 4, [2])]).toEqual([0, 0, 0, 2]);
  });

  it("keeps every column when the allocation is open", () => {
    const reduced = dropForcedZeros(tiny(1));
    expect([...reduced.kept]).toEqual([0, 1, 2, 3]);
    expect(reduced.program.numRows).toBe(3);
  });

  it("keeps an emptied row that 0 violates, so the solver reports the infeasibility", async () => {
    const program = tiny(0);
    program.rowLower[2] = 1; // −x1 ≥ 1 cannot hold with x1 ≥ 0
    program.rowUpper[2] = Number.POSITIVE_INFINITY;
    const reduced = dropForcedZeros(program);
    expect(reduced.program.numRows).toBe(2);
    const solution = await new HighsSolver().solve(reduced.program, {});
    expect(solution.status).toBe("infeasible");
  });

  it("gives the same optimum as the whole model with the allocations of its optimum held", async () => {
    const highs = new HighsSolver();
    let reducedSomewhere = false;
    for (const seed of [3, 7, 11, 19]) {
      const built = buildModel(randomScenario(seed, { mid: true }));
      const { program } = built;
      const optimum = await highs.solve(program, { mipRelGap: 1e-9 });
      if (optimum.x.length === 0) continue;
      const colLower = Float64Array.from(program.colLower);
      const colUpper = Float64Array.from(program.colUpper);
      for (const j of built.variables.a.labels)
        if (j >= 0) colLower[j] = colUpper[j] = Math.round(optimum.x[j]!);
      const held = { ...program, colLower, colUpper };
      const reduced = dropForcedZeros(held);
      if (reduced.program.numCols < program.numCols) reducedSomewhere = true;
      const whole = await highs.solve(held, { mipRelGap: 1e-9 });
      const part = await highs.solve(reduced.program, { mipRelGap: 1e-9 });
      expect(part.status).toBe("optimal");
      const scale = Math.max(1, Math.abs(whole.objective));
      expect(Math.abs(part.objective - whole.objective) / scale).toBeLessThan(1e-6);
      expect(Math.abs(part.objective - optimum.objective) / scale).toBeLessThan(1e-6);
      // the expanded vector is a plan of the whole model with that value
      const x = expandReduced(reduced, program.numCols, part.x);
      let value = program.objectiveOffset;
      for (let j = 0; j < program.numCols; j++) value += program.colCost[j]! * x[j]!;
      expect(Math.abs(value - part.objective) / scale).toBeLessThan(1e-6);
    }
    expect(reducedSomewhere).toBe(true);
  });
});
