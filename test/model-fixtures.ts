import { Scenario, type ScenarioInput } from "../src/domain/scenario.js";

/**
 * Two plants, one program, one market, two years, no discounting. Hand-worked optimum (profit mode):
 * build at the active plant A on two shifts: margin (100 - 10 - 5) * 150 * 2 = 25,500, minus A's fixed cost
 * 2 * 1,000, shifts 2 * 2 * 500, tooling 300 → NPV 21,200. The candidate B opens only in 2031, lacks the platform
 * and costs 5,000 to build, so it loses.
 */
export function twoPlants(overrides: Partial<ScenarioInput> = {}): Scenario {
  return Scenario.parse({
    portello: 1,
    id: "two-plants",
    name: "Two plants",
    horizon: { start: 2030, end: 2031 },
    discountRate: 0,
    plants: [
      {
        id: "a",
        name: "A",
        country: "IT",
        status: "active",
        capacityPerShift: 100,
        maxShifts: 2,
        fixedCost: 1000,
        shiftCost: 500,
        platforms: ["x"],
      },
      {
        id: "b",
        name: "B",
        country: "US",
        status: "candidate",
        capacityPerShift: 100,
        maxShifts: 1,
        fixedCost: 200,
        shiftCost: 100,
        openCost: 5000,
        earliestYear: 2031,
        platformConversion: { x: 700 },
      },
    ],
    programs: [
      {
        id: "p1",
        name: "P1",
        brand: "Brand",
        segment: "E",
        platform: "x",
        sop: 2030,
        eop: 2031,
        variableCost: 10,
        tooling: 300,
      },
    ],
    markets: [{ id: "m", name: "M", countries: ["US"] }],
    demand: [{ program: "p1", market: "m", volume: { from: 2030, volume: 150, growth: 0 }, price: 100 }],
    lanes: [
      { from: "a", to: "m", costPerVehicle: 5 },
      { from: "b", to: "m", costPerVehicle: 1 },
    ],
    ...overrides,
  });
}

/**
 * A small network exercising most of the model: closable and idle plants, a lead time, platform conversion,
 * duties by region, growth demand split by shares, discounting, keep-open and min-volume policies.
 * No hand-worked optimum: solvers are compared with each other on it.
 */
export function smallNetwork(overrides: Partial<ScenarioInput> = {}): Scenario {
  const plant = (id: string, country: string, extra: Record<string, unknown>) => ({
    id,
    name: id,
    country,
    capacityPerShift: 60_000,
    maxShifts: 3,
    fixedCost: 40e6,
    shiftCost: 25e6,
    platforms: ["giorgio"],
    ...extra,
  });
  return Scenario.parse({
    portello: 1,
    id: "small-network",
    name: "Small network",
    horizon: { start: 2027, end: 2032 },
    discountRate: 0.08,
    regions: { eu: ["IT", "DE"] },
    plants: [
      plant("cassino", "IT", { status: "active", canClose: true, closeCost: 150e6, lat: 41.5, lon: 13.8 }),
      plant("pomigliano", "IT", { status: "active", costIndex: 0.95, lat: 40.9, lon: 14.4 }),
      plant("belvidere", "US", {
        status: "idle",
        openCost: 400e6,
        earliestYear: 2029,
        platforms: [],
        platformConversion: { giorgio: 250e6, stla_large: 120e6 },
        costIndex: 1.1,
        lat: 42.26,
        lon: -88.84,
      }),
    ],
    programs: [
      {
        id: "giulia-next",
        name: "Giulia",
        brand: "Alfa Romeo",
        segment: "D",
        platform: "giorgio",
        sop: 2027,
        eop: 2032,
        variableCost: 32_000,
        tooling: 300e6,
        builtAt: ["cassino"],
        maxPlants: 2,
      },
      {
        id: "stelvio-next",
        name: "Stelvio",
        brand: "Alfa Romeo",
        segment: "E",
        platform: "stla_large",
        sop: 2028,
        eop: 2032,
        variableCost: 38_000,
        tooling: 450e6,
        maxPlants: 2,
      },
    ],
    markets: [
      { id: "eu", name: "Europe", countries: ["eu"], lat: 48, lon: 9 },
      { id: "us", name: "United States", countries: ["US"], lat: 40.7, lon: -74 },
      { id: "cn", name: "China", countries: ["CN"], lat: 31.2, lon: 121.5 },
    ],
    demand: [
      {
        program: "giulia-next",
        shares: { eu: 0.5, us: 0.35, cn: 0.15 },
        volume: { from: 2027, volume: 70_000, growth: 0.06 },
        price: 45_000,
        priceByMarket: { us: 48_000 },
      },
      {
        program: "stelvio-next",
        shares: { eu: 0.4, us: 0.45, cn: 0.15 },
        volume: { from: 2028, volume: 90_000, growth: 0.05 },
        price: 55_000,
      },
    ],
    logistics: { defaultMode: "sea", modes: { sea: { fixedPerVehicle: 400, perKm: 0.12 } } },
    lanes: [{ from: "cassino", to: "cn", allowed: false }],
    duties: [
      { id: "us-on-eu", from: ["eu"], to: ["us"], rate: 0.15 },
      { id: "us-232", from: ["eu"], to: ["us"], rate: 0.25, validFrom: 2030 },
      { id: "cn-on-all", from: ["IT", "US"], to: ["cn"], rate: 0.15 },
      { id: "eu-on-us", from: ["US"], to: ["eu"], rate: 0.1 },
    ],
    policies: [
      { id: "keep-pomigliano", kind: "keep-open", plant: "pomigliano", to: 2030 },
      { id: "min-belvidere", kind: "min-volume", plant: "belvidere", volume: 20_000 },
      { id: "budget", kind: "budget-cap", maxInvestment: 2e9 },
    ],
    ...overrides,
  });
}
