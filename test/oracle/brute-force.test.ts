import { describe, expect, it } from "vitest";
import { Scenario, type ScenarioInput } from "../../src/domain/scenario.js";
import { bruteForce } from "./brute-force.js";
import { dutyRate, laneCost } from "./economics.js";
import { minCostFlow } from "./min-cost-flow.js";
import { randomScenario } from "./random-scenario.js";

type PlantInput = ScenarioInput["plants"][number];
type ProgramInput = ScenarioInput["programs"][number];

/**
 * One plant, one program, one market, one year, margin 9,000 a vehicle (price 30,000, cost 20,000, lane 1,000):
 * the hand-checkable base that each test changes one thing of.
 */
function tiny(change: {
  plant?: Partial<PlantInput>;
  program?: Partial<ProgramInput>;
  scenario?: Partial<ScenarioInput>;
  volume?: Record<string, number>;
}): Scenario {
  const end = change.scenario?.horizon?.end ?? 2030;
  return Scenario.parse({
    portello: 1,
    id: "tiny",
    name: "tiny",
    horizon: { start: 2030, end },
    discountRate: 0,
    plants: [
      {
        id: "s",
        name: "S",
        country: "IT",
        status: "active",
        capacityPerShift: 10_000,
        maxShifts: 2,
        fixedCost: 1e6,
        shiftCost: 2e6,
        platforms: ["x"],
        ...change.plant,
      },
    ],
    programs: [
      {
        id: "p",
        name: "P",
        brand: "B",
        segment: "D",
        platform: "x",
        sop: 2030,
        eop: 2040,
        variableCost: 20_000,
        tooling: 5e6,
        ...change.program,
      },
    ],
    markets: [{ id: "m", name: "M", countries: ["IT"] }],
    demand: [{ program: "p", market: "m", volume: change.volume ?? { "2030": 15_000 }, price: 30_000 }],
    lanes: [{ from: "s", to: "m", costPerVehicle: 1_000 }],
    ...change.scenario,
  });
}

describe("minCostFlow", () => {
  it("solves a transportation problem exactly", () => {
    // two supplies (10, 10) and two demands (8, 8): the cheap plant 0 serves what it can
    const arcs = [
      { from: 0, to: 1, capacity: 10, cost: 0 },
      { from: 0, to: 2, capacity: 10, cost: 0 },
      { from: 1, to: 3, capacity: 8, cost: -5 },
      { from: 1, to: 4, capacity: 8, cost: -4 },
      { from: 2, to: 3, capacity: 8, cost: -1 },
      { from: 2, to: 4, capacity: 8, cost: -3 },
      { from: 3, to: 5, capacity: 8, cost: 0 },
      { from: 4, to: 5, capacity: 8, cost: 0 },
    ];
    const result = minCostFlow(6, 0, 5, arcs);
    // plant 1: 8 to market 3 (-40) and 2 to market 4 (-8); plant 2: 6 to market 4 (-18); 0 to market 3
    expect(result.cost).toBeCloseTo(-66, 9);
    expect(result.feasible).toBe(true);
  });

  it("honours must-arcs even at a loss and reports when it cannot", () => {
    const forced = minCostFlow(3, 0, 2, [
      { from: 0, to: 1, capacity: 5, cost: 3, must: true },
      { from: 1, to: 2, capacity: 10, cost: 0 },
    ]);
    expect(forced).toMatchObject({ feasible: true, cost: 15 });
    const impossible = minCostFlow(3, 0, 2, [
      { from: 0, to: 1, capacity: 5, cost: 0, must: true },
      { from: 1, to: 2, capacity: 4, cost: 0 },
    ]);
    expect(impossible.feasible).toBe(false);
  });
});

describe("oracle economics", () => {
  it("derives lane costs from the great-circle distance and the mode's rates", () => {
    const scenario = tiny({
      plant: { lat: 0, lon: 0 },
      scenario: {
        markets: [{ id: "m", name: "M", countries: ["IT"], lat: 0, lon: 90 }],
        lanes: [],
        logistics: { defaultMode: "sea", modes: { sea: { fixedPerVehicle: 100, perKm: 0.1 } } },
      },
    });
    // a quarter of the equator: pi/2 * 6371.0088 km
    const km = (Math.PI / 2) * 6371.0088;
    expect(laneCost(scenario, scenario.plants[0]!, scenario.markets[0]!)).toBeCloseTo(100 + 0.1 * km, 6);
  });

  it("takes the last matching duty, by region and year", () => {
    const scenario = tiny({
      scenario: {
        regions: { eu: ["IT", "DE"] },
        duties: [
          { id: "a", from: ["eu"], to: ["m"], rate: 0.1 },
          { id: "b", from: ["IT"], to: ["m"], rate: 0.25, validFrom: 2031 },
          { id: "c", from: ["US"], to: ["m"], rate: 0.5 },
        ],
      },
    });
    const plant = scenario.plants[0]!;
    expect(dutyRate(scenario, plant, "m", 2030)).toBe(0.1);
    expect(dutyRate(scenario, plant, "m", 2031)).toBe(0.25);
  });
});

describe("bruteForce on hand-checked scenarios", () => {
  it("runs the second shift when its margin pays for it", () => {
    // 1 shift: 10,000 x 9,000 - 1e6 - 2e6 = 87e6; 2 shifts: 15,000 x 9,000 - 1e6 - 4e6 = 130e6; tooling 5e6
    expect(bruteForce(tiny({}))).toMatchObject({ feasible: true, npv: 125e6 });
  });

  it("leaves an optional program unbuilt when it cannot pay for reopening a plant", () => {
    const idle = { status: "idle" as const, openCost: 200e6 };
    // two years of 130e6 (2 shifts, 15,000 vehicles) pay for opening (200e6) and tooling (5e6)
    const paying = tiny({
      plant: idle,
      program: { mustBuild: false },
      scenario: { horizon: { start: 2030, end: 2031 } },
      volume: { "2030": 15_000, "2031": 15_000 },
    });
    expect(bruteForce(paying).npv).toBeCloseTo(260e6 - 200e6 - 5e6, 3);
    const losing = tiny({ plant: { ...idle, openCost: 300e6 }, program: { mustBuild: false } });
    expect(bruteForce(losing)).toMatchObject({ feasible: true, npv: 0 });
  });

  it("discounts from the horizon start and pays tooling at sop", () => {
    // 2031 only: 130e6 operating margin discounted once; the plant's 2030 fixed cost 1e6 is paid undiscounted
    const scenario = tiny({
      program: { sop: 2031 },
      scenario: { horizon: { start: 2030, end: 2031 }, discountRate: 0.1 },
      volume: { "2030": 15_000, "2031": 15_000 },
    });
    expect(bruteForce(scenario).npv).toBeCloseTo(-1e6 + (130e6 - 5e6) / 1.1, 3);
  });

  it("forces loss-making volume under a min-volume policy", () => {
    // price 19,000: margin -2,000 a vehicle; min 4,000 a year on one shift: -8e6 - 1e6 - 2e6 - 5e6 tooling
    const scenario = tiny({
      scenario: {
        demand: [{ program: "p", market: "m", volume: { "2030": 15_000 }, price: 19_000 }],
        policies: [{ id: "keep", kind: "min-volume", plant: "s", volume: 4_000 }],
      },
    });
    expect(bruteForce(scenario).npv).toBeCloseTo(-16e6, 3);
  });

  it("needs enough shifts for reserved volume and reports serve-all shortfalls as infeasible", () => {
    // 8,000 reserved: 12,000 free on two shifts, 3,000 short of demand
    const short = tiny({
      plant: { reservedVolume: { "2030": 8_000 } },
      scenario: { objective: { mode: "serve-all" } },
    });
    expect(bruteForce(short).feasible).toBe(false);
    // with a penalty of 25,000 the 3,000 go unmet: cost 12,000 x 21,000 + 3,000 x 25,000 + 1e6 + 4e6 + 5e6
    const penalised = tiny({
      plant: { reservedVolume: { "2030": 8_000 } },
      scenario: { objective: { mode: "serve-all", unmetPenalty: 25_000 } },
    });
    expect(bruteForce(penalised).npv).toBeCloseTo(-(252e6 + 75e6 + 10e6), 3);
  });

  it("never reopens an active plant once it has closed", () => {
    // program from 2031 earns 135e6 - 4e6 shifts - 5e6 tooling; the plant costs 30e6 a year to keep open.
    // Closing in 2030 and reopening in 2031 would give 86e6, but an active plant that closes stays closed:
    // staying open both years (66e6) beats closing for good (-10e6).
    const scenario = tiny({
      plant: { fixedCost: 30e6, canClose: true, closeCost: 10e6 },
      program: { sop: 2031, mustBuild: false },
      scenario: { horizon: { start: 2030, end: 2031 } },
      volume: { "2031": 15_000 },
    });
    expect(bruteForce(scenario).npv).toBeCloseTo(66e6, 3);
  });

  it("ignores a program whose life lies outside the horizon, even if it must be built", () => {
    const scenario = tiny({ program: { sop: 2035, eop: 2036 } });
    expect(bruteForce(scenario)).toMatchObject({ feasible: true, npv: -1e6 });
  });

  it("keeps a budget cap on undiscounted investment", () => {
    const capped = tiny({
      program: { mustBuild: false },
      scenario: { policies: [{ id: "b", kind: "budget-cap", maxInvestment: 4e6 }] },
    });
    // tooling 5e6 is over the cap: nothing is built, and the active plant still pays its fixed cost
    expect(bruteForce(capped).npv).toBeCloseTo(-1e6, 3);
  });
});

describe("randomScenario", () => {
  it("is deterministic per seed and always valid", () => {
    expect(randomScenario(42)).toEqual(randomScenario(42));
    expect(randomScenario(42)).not.toEqual(randomScenario(43));
    for (let seed = 0; seed < 100; seed++) expect(() => randomScenario(seed)).not.toThrow();
  });
});
