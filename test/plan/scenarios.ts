import { Scenario, type ScenarioInput } from "../../src/domain/scenario.js";

/**
 * A hand-checkable network: one program, two plants, two markets, two years, 10% discount rate.
 * Per year, all Giulia at Belvidere earns 50k × (45,000 − 30,000 − 2,000) + 80k × (50,000 − 30,000 − 300)
 * = 2,226m against 26m running costs (Cassino stays open: it may not close); at Cassino it earns
 * 50k × 14,500 + 80k × (50,000 − 30,000 − 2,000 − 15% × 30,000) = 1,805m against 20m.
 */
export const twoPlants: ScenarioInput = {
  portello: 1,
  id: "two-plants",
  name: "Two plants",
  horizon: { start: 2026, end: 2027 },
  discountRate: 0.1,
  plants: [
    {
      id: "cassino",
      name: "Cassino",
      country: "IT",
      status: "active",
      capacityPerShift: 100_000,
      maxShifts: 2,
      fixedCost: 10e6,
      shiftCost: 5e6,
      platforms: ["giorgio"],
    },
    {
      id: "belvidere",
      name: "Belvidere",
      country: "US",
      status: "idle",
      capacityPerShift: 100_000,
      maxShifts: 2,
      fixedCost: 8e6,
      shiftCost: 4e6,
      openCost: 50e6,
      earliestYear: 2026,
      platforms: ["giorgio"],
    },
  ],
  programs: [
    {
      id: "giulia",
      name: "Giulia",
      brand: "Alfa Romeo",
      segment: "D",
      platform: "giorgio",
      sop: 2026,
      eop: 2027,
      variableCost: 30_000,
      tooling: 20e6,
    },
  ],
  markets: [
    { id: "eu", name: "Europe", countries: ["IT", "DE", "FR"] },
    { id: "us", name: "United States", countries: ["US"] },
  ],
  demand: [
    { program: "giulia", market: "eu", volume: { "2026": 50_000, "2027": 50_000 }, price: 45_000 },
    { program: "giulia", market: "us", volume: { "2026": 80_000, "2027": 80_000 }, price: 50_000 },
  ],
  lanes: [
    { from: "cassino", to: "eu", costPerVehicle: 500 },
    { from: "cassino", to: "us", costPerVehicle: 2000 },
    { from: "belvidere", to: "eu", costPerVehicle: 2000 },
    { from: "belvidere", to: "us", costPerVehicle: 300 },
  ],
  duties: [{ id: "us-on-eu", from: ["IT"], to: ["us"], rate: 0.15 }],
};

/** Discount factors of the two years. */
export const bothYears = 1 + 1 / 1.1;
export const npvAtBelvidere = (2226e6 - 26e6) * bothYears - 50e6 - 20e6;
export const npvAtCassino = (1805e6 - 20e6) * bothYears - 20e6;

export function scenario(changes: (s: ScenarioInput) => void = () => {}): Scenario {
  const copy = structuredClone(twoPlants);
  changes(copy);
  return Scenario.parse(copy);
}

export const keepInItaly = {
  id: "giulia-italy",
  kind: "fix-allocation",
  name: "keep Giulia in Italy",
  program: "giulia",
  plant: "cassino",
} as const;

export function plant(s: ScenarioInput, id: string) {
  return s.plants.find((p) => p.id === id)!;
}
