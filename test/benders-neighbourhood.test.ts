import { describe, expect, it } from "vitest";
import type { Block } from "../src/model/blocks.js";
import { LocalSearch, ProgramNeighbourhoods } from "../src/solver/benders/neighbourhood.js";

/**
 * The decomposition's local search frees a few programs that compete for the same plants
 * (src/solver/benders/neighbourhood.ts); these tests pin down what a neighbourhood may change.
 */

// 4 programs × 4 plants; column j = p * 4 + s where the pair exists
//   program 0: plants 0, 1, 2     program 1: plants 1, 2     program 2: plant 3 only     program 3: plants 0, 3
const pairs = [
  [0, 0],
  [0, 1],
  [0, 2],
  [1, 1],
  [1, 2],
  [2, 3],
  [3, 0],
  [3, 3],
];
function allocations(): Block {
  const labels = new Int32Array(16).fill(-1);
  for (const [p, s] of pairs) labels[p! * 4 + s!] = p! * 4 + s!;
  return { dims: ["program", "plant"], shape: [4, 4], labels };
}
const allFree = { lowerOf: () => 0, upperOf: () => 1 };

describe("the local search's neighbourhoods", () => {
  it("free the chosen programs' allocations over their candidate plants, and those plants", () => {
    const hoods = new ProgramNeighbourhoods(allocations(), allFree, 7);
    for (let k = 0; k < 20; k++) {
      const { allocations: cols, plants } = hoods.next(2);
      const programs = new Set(cols.map((j) => Math.floor(j / 4)));
      expect(programs.size).toBeGreaterThanOrEqual(1);
      expect(programs.size).toBeLessThanOrEqual(2);
      // program 2 has one plant only: no move can change it
      expect(programs.has(2)).toBe(false);
      // every candidate allocation of a chosen program is free, and its plants with it
      for (const p of programs) for (const [q, s] of pairs) if (q === p) expect(cols).toContain(p * 4 + s!);
      expect([...plants].sort()).toEqual([...new Set(cols.map((j) => j % 4))].sort());
      // the second program shares a candidate plant with the first
      if (programs.size === 2) {
        const [u, v] = [...programs].map((p) => new Set(pairs.filter(([q]) => q === p).map(([, s]) => s)));
        expect([...u!].some((s) => v!.has(s))).toBe(true);
      }
    }
  });

  it("leave out allocations held by their bounds (an explanation's forbidden decision)", () => {
    // allocation (0, 2) held at 0, (3, 0) held at 1: program 3 keeps one candidate, so it cannot move
    const held = new Set([0 * 4 + 2, 3 * 4 + 0]);
    const bounds = { lowerOf: (j: number) => (j === 12 ? 1 : 0), upperOf: (j: number) => (j === 2 ? 0 : 1) };
    const hoods = new ProgramNeighbourhoods(allocations(), bounds, 3);
    for (let k = 0; k < 20; k++) {
      const { allocations: cols } = hoods.next(4);
      for (const j of cols) expect(held.has(j)).toBe(false);
      expect(cols.some((j) => Math.floor(j / 4) === 3)).toBe(false);
    }
  });

  it("are whole only when they free every program a move can change and every plant", () => {
    // programs 0, 1 and 3 can move; with program 0 drawn, all three together cover the four plants
    const hoods = new ProgramNeighbourhoods(allocations(), allFree, 5);
    let wholes = 0;
    for (let k = 0; k < 20; k++) {
      const { allocations: cols, plants, whole } = hoods.next(4);
      const programs = new Set(cols.map((j) => Math.floor(j / 4)));
      expect(whole).toBe(programs.size === 3 && plants.size === 4);
      if (whole) wholes++;
      expect(hoods.next(2).whole).toBe(false);
    }
    expect(wholes).toBeGreaterThan(0);
  });

  it("are the same sequence for the same seed, and none when no program can move", () => {
    const draw = (seed: number) => {
      const hoods = new ProgramNeighbourhoods(allocations(), allFree, seed);
      return Array.from({ length: 10 }, () => hoods.next(1).allocations.join(","));
    };
    expect(draw(11)).toEqual(draw(11));
    expect(new Set(draw(11)).size).toBeGreaterThan(1);
    const fixed = new ProgramNeighbourhoods(allocations(), { lowerOf: () => 0, upperOf: () => 0 });
    expect(fixed.empty).toBe(true);
    expect(fixed.next(3)).toEqual({ allocations: [], plants: new Set() });
  });
});

describe("the local search's state", () => {
  it("grows a settled neighbourhood, shrinks an unsettled one, and counts fruitless steps", () => {
    const search = new LocalSearch(new ProgramNeighbourhoods(allocations(), allFree), 5);
    const first = search.size;
    search.settled(true, 0.1, false);
    expect(search.size).toBe(first + 1);
    search.settled(false, 1, false);
    search.settled(false, 1, false);
    expect(search.size).toBe(first - 1);
    expect(search.fruitless).toBe(3);
    search.settled(false, 1, true);
    expect(search.fruitless).toBe(0);
  });

  it("ends when HiGHS settled a whole neighbourhood, not when it stopped short of that", () => {
    const search = new LocalSearch(new ProgramNeighbourhoods(allocations(), allFree), 5);
    search.settled(false, 1, false, true);
    search.settled(true, 0.1, true, false);
    expect(search.empty).toBe(false);
    search.settled(true, 0.1, false, true);
    expect(search.empty).toBe(true);
  });

  it("lengthens its steps by doubling, starting the fruitless count afresh, up to eight times the first", () => {
    const search = new LocalSearch(new ProgramNeighbourhoods(allocations(), allFree), 5);
    const limits = [search.stepSeconds];
    for (;;) {
      search.settled(false, 1, false);
      if (!search.lengthen()) break;
      expect(search.fruitless).toBe(0);
      limits.push(search.stepSeconds);
    }
    expect(limits).toEqual([5, 10, 20, 40]);
    // at its most, nothing changes
    expect(search.stepSeconds).toBe(40);
    expect(search.fruitless).toBe(1);
  });
});
