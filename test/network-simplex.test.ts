import { describe, expect, it } from "vitest";
import { highsRuntime } from "../src/solver/highs.js";
import { type FlowNetwork, NetworkSimplex, NetworkSimplexStalled } from "../src/solver/network-simplex.js";
import { Rng } from "./oracle/rng.js";

/**
 * The network simplex (src/solver/network-simplex.ts) against HiGHS' LP on random circulations: the same
 * verdict and optimum, flows that conserve and keep their bounds, potentials that prove the optimum
 * (complementary slackness) — the last pivot's and the greatest ones alike — and the same again when one
 * network is re-solved from its last tree under new bounds.
 */

function randomNetwork(random: () => number): FlowNetwork {
  const numNodes = 2 + Math.floor(random() * 25);
  const m = 1 + Math.floor(random() * numNodes * 4);
  const node = () => Math.floor(random() * numNodes);
  return {
    numNodes,
    source: Int32Array.from({ length: m }, node),
    target: Int32Array.from({ length: m }, node),
    // fractional costs and bounds, as the model's (euros, vehicles)
    cost: Float64Array.from({ length: m }, () => Math.round((random() * 40 - 20) * 4) / 4),
  };
}

function randomBounds(random: () => number, m: number): { lower: Float64Array; upper: Float64Array } {
  const lower = Float64Array.from({ length: m }, () => (random() < 0.7 ? 0 : Math.round(random() * 10 - 4)));
  const upper = Float64Array.from(lower, (lo) => lo + Math.round(random() * 30) / 2);
  return { lower, upper };
}

type Highs = Awaited<ReturnType<typeof highsRuntime>>;

/** The circulation as an LP: one conservation row per node, one column per arc. */
function byLp(highs: Highs, network: FlowNetwork, lower: Float64Array, upper: Float64Array) {
  const m = network.source.length;
  const n = network.numNodes;
  const entries: [number, number, number][] = [];
  for (let e = 0; e < m; e++) {
    // a self-loop leaves conservation alone: it is a column without rows
    if (network.source[e] !== network.target[e])
      entries.push([network.source[e]!, e, 1], [network.target[e]!, e, -1]);
  }
  entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const starts = new Int32Array(n + 1);
  for (const [row] of entries) starts[row + 1]!++;
  for (let i = 0; i < n; i++) starts[i + 1]! += starts[i]!;
  const model = highs.createModel({
    numCols: m,
    numRows: n,
    sense: highs.constants.objectiveSense.minimize,
    offset: 0,
    colCost: network.cost,
    colLower: lower,
    colUpper: upper,
    rowLower: new Float64Array(n),
    rowUpper: new Float64Array(n),
    matrix: {
      format: "csr",
      numRows: n,
      numCols: m,
      starts,
      indices: Int32Array.from(entries, (entry) => entry[1]),
      values: Float64Array.from(entries, (entry) => entry[2]),
    },
    integrality: new Int32Array(m),
  });
  model.options.set({ output_flag: false, presolve: "off" });
  try {
    const status = model.run().modelStatus;
    if (status === highs.constants.modelStatus.infeasible) return "infeasible" as const;
    expect(status).toBe(highs.constants.modelStatus.optimal);
    return model.getObjectiveValue();
  } finally {
    model.dispose();
  }
}

/** Conservation, bounds and complementary slackness of the network simplex's answer; returns its cost. */
function checkedCost(solver: NetworkSimplex, network: FlowNetwork, lower: Float64Array, upper: Float64Array) {
  const { flow, potential } = solver;
  const balance = new Float64Array(network.numNodes);
  let cost = 0;
  for (let e = 0; e < network.source.length; e++) {
    const f = flow[e]!;
    expect(f).toBeGreaterThanOrEqual(lower[e]! - 1e-9);
    expect(f).toBeLessThanOrEqual(upper[e]! + 1e-9);
    balance[network.source[e]!]! -= f;
    balance[network.target[e]!]! += f;
    cost += network.cost[e]! * f;
    const reduced = network.cost[e]! + potential[network.source[e]!]! - potential[network.target[e]!]!;
    if (reduced > 1e-7) expect(f).toBeCloseTo(lower[e]!, 7);
    if (reduced < -1e-7) expect(f).toBeCloseTo(upper[e]!, 7);
  }
  for (const b of balance) expect(Math.abs(b)).toBeLessThan(1e-7);
  return cost;
}

describe("the network simplex", () => {
  it("finds HiGHS' verdict and optimum on 400 random circulations, cold and warm, and proves it", async () => {
    const highs = await highsRuntime();
    const verdicts = { optimal: 0, infeasible: 0 };
    for (let seed = 1; seed <= 80; seed++) {
      const rng = new Rng(seed);
      const random = () => rng.next();
      const network = randomNetwork(random);
      const solver = new NetworkSimplex(network);
      // one cold solve, then four from the last tree under new bounds
      for (let round = 0; round < 5; round++) {
        const { lower, upper } = randomBounds(random, network.source.length);
        const expected = byLp(highs, network, lower, upper);
        const status = solver.solve(lower, upper);
        verdicts[status]++;
        if (expected === "infeasible") {
          expect(status, `seed ${seed}, round ${round}`).toBe("infeasible");
          continue;
        }
        expect(status, `seed ${seed}, round ${round}`).toBe("optimal");
        const cost = checkedCost(solver, network, lower, upper);
        // the greatest optimal potentials from node 0 prove the same optimum, with node 0's at 0
        solver.greatestPotentials(0);
        expect(solver.potential[0]).toBe(0);
        expect(checkedCost(solver, network, lower, upper)).toBe(cost);
        expect(Math.abs(cost - expected), `seed ${seed}, round ${round}`).toBeLessThan(
          1e-9 * Math.max(1, Math.abs(expected)),
        );
      }
    }
    // both verdicts are exercised, so neither branch is a test that cannot fail
    expect(verdicts.optimal).toBeGreaterThan(100);
    expect(verdicts.infeasible).toBeGreaterThan(20);
  });

  it("rejects arcs outside the nodes and bounds that are not finite", () => {
    const network = {
      numNodes: 2,
      source: Int32Array.of(0, 1),
      target: Int32Array.of(1, 0),
      cost: Float64Array.of(1, -2),
    };
    expect(() => new NetworkSimplex({ ...network, target: Int32Array.of(1, 2) })).toThrow(/outside/);
    const solver = new NetworkSimplex(network);
    expect(() => solver.solve(Float64Array.of(0, 0), Float64Array.of(1, Number.POSITIVE_INFINITY))).toThrow(
      /bounds/,
    );
    // a solve that needs pivots, allowed none, says it stalled (the decomposition then asks HiGHS' LP)
    expect(() => solver.solve(Float64Array.of(0, 0), Float64Array.of(3, 2), 0)).toThrow(
      NetworkSimplexStalled,
    );
    expect(solver.solve(Float64Array.of(0, 0), Float64Array.of(3, 2))).toBe("optimal");
    // the cycle 0 → 1 → 0 earns 1 a unit, as far as the tighter arc allows
    expect(Array.from(solver.flow)).toEqual([2, 2]);
  });
});
