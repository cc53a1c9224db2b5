import { describe, expect, it } from "vitest";
import { Scenario, type ScenarioInput } from "../src/domain/scenario.js";
import { solveScenario } from "../src/plan/solve.js";

/**
 * Terminal value, capex phasing and overtime on scenarios small enough to price by hand. Each test fails when
 * its feature is switched off (ignored by the builder or the pricing): the hand value then differs.
 */

const R = 0.1;
const d = (t: number) => (1 + R) ** -t;

/** One active plant (100 cars a shift, one shift) selling a program to one market, 2030–2031, margin €50. */
function base(change: (input: ScenarioInput) => void = () => {}): Scenario {
  const input: ScenarioInput = {
    portello: 1,
    id: "features",
    name: "Features",
    horizon: { start: 2030, end: 2031 },
    discountRate: R,
    plants: [
      {
        id: "a",
        name: "A",
        country: "IT",
        status: "active",
        capacityPerShift: 100,
        maxShifts: 1,
        fixedCost: 0,
        shiftCost: 0,
        platforms: ["x"],
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
        eop: 2031,
        variableCost: 50,
        builtAt: ["a"],
      },
    ],
    markets: [{ id: "m", name: "M", countries: ["IT"] }],
    demand: [{ program: "p", market: "m", volume: { "2030": 100, "2031": 100 }, price: 100 }],
  };
  change(input);
  return Scenario.parse(input);
}

async function solve(scenario: Scenario) {
  const plan = await solveScenario(scenario, { mipRelGap: 1e-9, explain: false });
  expect(plan.status).toBe("optimal");
  for (const check of plan.invariants) expect(check.ok, `${check.name}: ${check.detail}`).toBe(true);
  return plan;
}

describe("terminal value", () => {
  it("none by default: the NPV is the horizon's cash", async () => {
    const plan = await solve(base());
    expect(plan.npv).toBeCloseTo(5000 * (d(0) + d(1)), 6);
    expect(plan.npvBreakdown.terminalValue).toBe(0);
  });

  it("perpetuity: the last year's cash flow growing at g for ever, on its own line", async () => {
    const plan = await solve(base((s) => (s.terminalValue = { method: "perpetuity", growth: 0.02 })));
    const terminal = (d(1) * 5000 * 1.02) / (R - 0.02);
    expect(plan.npvBreakdown.terminalValue).toBeCloseTo(terminal, 6);
    expect(plan.npv).toBeCloseTo(5000 * (d(0) + d(1)) + terminal, 6);
  });

  it("salvage: the undepreciated share of an opening, valued the year after the horizon", async () => {
    const plan = await solve(
      base((s) => {
        s.plants[0]!.status = "candidate";
        s.plants[0]!.openCost = 4000;
        s.programs[0]!.builtAt = [];
        s.terminalValue = { method: "salvage", openingLife: 4, conversionLife: 10 };
      }),
    );
    // opened in 2030, two of its four years used by 2031: half its cost remains, in 2032
    expect(plan.npvBreakdown.openings).toBeCloseTo(-4000, 6);
    expect(plan.npvBreakdown.terminalValue).toBeCloseTo(d(2) * 2000, 6);
  });

  it("salvage of tooling: the program's production years after the horizon", async () => {
    const plan = await solve(
      base((s) => {
        s.programs[0]!.builtAt = [];
        s.programs[0]!.tooling = 3000;
        s.programs[0]!.eop = 2032;
        s.terminalValue = { method: "salvage", openingLife: 4, conversionLife: 10 };
      }),
    );
    // tooling serves 2030–2032; one of three years lies after the horizon
    expect(plan.npvBreakdown.terminalValue).toBeCloseTo(d(2) * 1000, 6);
  });
});

describe("capex phasing", () => {
  const reopenIn2031 = (phasing?: Record<string, number>) =>
    base((s) => {
      s.plants[0]!.status = "idle";
      s.plants[0]!.openCost = 1000;
      s.plants[0]!.earliestYear = 2031;
      if (phasing) s.plants[0]!.openCostPhasing = phasing;
    });

  it("pays an opening in the years before the plant opens, each discounted in its year", async () => {
    const plan = await solve(reopenIn2031({ "-1": 0.6, "0": 0.4 }));
    expect(plan.plantEvents).toMatchObject([{ plant: "a", year: 2031, event: "reopen" }]);
    expect(plan.npvBreakdown.openings).toBeCloseTo(-(600 * d(0) + 400 * d(1)), 6);
    const unphased = await solve(reopenIn2031());
    expect(unphased.npvBreakdown.openings).toBeCloseTo(-1000 * d(1), 6);
  });

  it("counts in a budget cap only the payments inside its window", async () => {
    const capped = reopenIn2031({ "-1": 0.6, "0": 0.4 });
    // the program is not built there yet and need not be: the cap decides whether the plant reopens
    capped.programs[0]!.builtAt = [];
    capped.programs[0]!.mustBuild = false;
    capped.policies = [{ id: "cap", kind: "budget-cap", maxInvestment: 500, from: 2031 }];
    expect((await solve(capped)).plantEvents).toHaveLength(1);
    capped.policies = [{ id: "cap", kind: "budget-cap", maxInvestment: 500, to: 2030 }];
    expect((await solve(capped)).plantEvents).toHaveLength(0);
  });

  it("pays tooling before sop", async () => {
    const plan = await solve(
      base((s) => {
        s.horizon.start = 2029;
        s.programs[0]!.builtAt = [];
        s.programs[0]!.tooling = 1000;
        s.programs[0]!.toolingPhasing = { "-1": 1 };
      }),
    );
    expect(plan.npvBreakdown.tooling).toBeCloseTo(-1000, 6);
  });
});

describe("overtime", () => {
  const busy = (overtime?: { maxShare: number; costPerVehicle: number }) =>
    base((s) => {
      s.demand![0]!.volume = { "2030": 120, "2031": 120 };
      if (overtime) s.plants[0]!.overtime = overtime;
    });

  it("builds beyond a whole shift, up to its share, at its cost per vehicle", async () => {
    const plan = await solve(busy({ maxShare: 0.25, costPerVehicle: 10 }));
    const year = plan.plantYears.find((py) => py.year === 2030)!;
    expect(year).toMatchObject({ shifts: 1, overtime: 20, volume: 120 });
    expect(plan.npvBreakdown.overtime).toBeCloseTo(-200 * (d(0) + d(1)), 6);
    expect(plan.unmet).toHaveLength(0);
  });

  it("stops at its share of the shift: the rest goes unmet; without overtime, all beyond the shift", async () => {
    const limited = await solve(busy({ maxShare: 0.1, costPerVehicle: 10 }));
    expect(limited.unmet.reduce((sum, u) => sum + u.volume, 0)).toBeCloseTo(20, 6);
    const none = await solve(busy());
    expect(none.unmet.reduce((sum, u) => sum + u.volume, 0)).toBeCloseTo(40, 6);
  });
});

describe("explanations", () => {
  it("name the terminal value a reopening earns against keeping the plant idle", async () => {
    const scenario = base((s) => {
      s.plants[0]!.status = "idle";
      s.plants[0]!.openCost = 1000;
      s.plants[0]!.earliestYear = 2031;
      s.programs[0]!.builtAt = [];
      s.programs[0]!.mustBuild = false;
      s.terminalValue = { method: "perpetuity", growth: 0 };
    });
    const plan = await solveScenario(scenario, { mipRelGap: 1e-9 });
    const reopening = plan.explanations.find((e) => e.decision === "reopened in 2031")!;
    const terminal = reopening.drivers.find((driver) => driver.label === "terminal value")!;
    expect(terminal.chosen).toBeCloseTo((d(1) * 5000) / R, 6);
    expect(terminal.alternative).toBe(0);
    expect(reopening.text).toContain("terminal value");
  });
});

describe("currencies", () => {
  /** The plant's money in dollars, the market's prices in euros, at a dollar worth 0.9 then 0.8 euros. */
  const dollarPlant = (change: (s: ScenarioInput) => void = () => {}) =>
    base((s) => {
      s.fx = { USD: { "2030": 0.9, "2031": 0.8 } };
      s.plants[0]!.currency = "USD";
      s.plants[0]!.fixedCost = 1000;
      change(s);
    });

  it("converts a plant's costs at each year's rate, prices at the market's", async () => {
    const plan = await solve(dollarPlant());
    // variable cost $50 a car, fixed $1000 a year; price €100
    expect(plan.npvBreakdown.variableCost).toBeCloseTo(-(100 * 50 * 0.9 * d(0) + 100 * 50 * 0.8 * d(1)), 6);
    expect(plan.npvBreakdown.fixed).toBeCloseTo(-(1000 * 0.9 * d(0) + 1000 * 0.8 * d(1)), 6);
    expect(plan.npvBreakdown.revenue).toBeCloseTo(100 * 100 * (d(0) + d(1)), 6);
    const landed = plan.landedCost[0]!;
    expect(landed.variable).toBeCloseTo((50 * 0.9 + 50 * 0.8) / 2, 6);
  });

  it("prices a market in its own currency, and reports the plan in the one chosen", async () => {
    const inDollars = await solve(
      base((s) => {
        s.currency = "USD";
        s.fx = { EUR: 1.25 };
        s.plants[0]!.currency = "EUR";
        s.markets[0]!.currency = "EUR";
      }),
    );
    expect(inDollars.scenario.currency).toBe("USD");
    expect(inDollars.npv).toBeCloseTo(5000 * 1.25 * (d(0) + d(1)), 6);
  });

  it("pays phased investments at the rate of the year paid", async () => {
    const plan = await solve(
      dollarPlant((s) => {
        s.plants[0]!.status = "idle";
        s.plants[0]!.openCost = 1000;
        s.plants[0]!.earliestYear = 2031;
        s.plants[0]!.openCostPhasing = { "-1": 0.5, "0": 0.5 };
      }),
    );
    expect(plan.npvBreakdown.openings).toBeCloseTo(-(500 * 0.9 * d(0) + 500 * 0.8 * d(1)), 6);
  });
});

describe("rules of origin and parts tariffs", () => {
  /** The plant in Mexico selling into a US market: 10 % most-favoured-nation duty, 0 % under USMCA's 75 % rule. */
  const mexico = (content: Record<string, number>, change: (s: ScenarioInput) => void = () => {}) =>
    base((s) => {
      s.regions = { usmca: ["US", "MX", "CA"] };
      s.plants[0]!.country = "MX";
      s.markets[0] = { id: "m", name: "US", countries: ["US"] };
      s.programs[0]!.contentByPlant = { a: content };
      s.duties = [
        { id: "mfn", from: ["MX"], to: ["m"], rate: 0.1 },
        {
          id: "usmca",
          from: ["usmca"],
          to: ["m"],
          rate: 0,
          ruleOfOrigin: { region: ["usmca"], minContent: 0.75, applies: "met" },
        },
      ];
      change(s);
    });
  const dutyOnTwoYears = (perCar: number) => -100 * perCar * (d(0) + d(1));

  it("applies the preferential rate only where the regional content meets the rule", async () => {
    // 30 % Chinese content: 70 % regional, below 75 %: the 10 % duty on the $50 customs value
    expect((await solve(mexico({ CN: 0.3 }))).npvBreakdown.duties).toBeCloseTo(dutyOnTwoYears(5), 6);
    // 20 % Chinese content: 80 % regional: duty-free
    expect((await solve(mexico({ CN: 0.2 }))).npvBreakdown.duties).toBeCloseTo(0, 6);
  });

  it("charges parts duties on the imported share of the customs value", async () => {
    const plan = await solve(
      mexico({ CN: 0.2 }, (s) => {
        s.partsDuties = [{ id: "cn-parts", from: ["CN"], to: ["MX"], rate: 0.25 }];
      }),
    );
    // 20 % of $50 imported from China at 25 %: $2.50 a car, the vehicle itself duty-free
    expect(plan.npvBreakdown.duties).toBeCloseTo(dutyOnTwoYears(2.5), 6);
  });
});
