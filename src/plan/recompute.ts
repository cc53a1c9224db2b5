import type { Plant, Program, Scenario } from "../domain/scenario.js";
import type { NpvBreakdown, Plan } from "./types.js";

/**
 * The scenario's numbers read a second time, with code of its own, for the invariants: demand, prices, lane
 * costs, duties, investments and their phasing, terminal value — straight from the scenario's fields as
 * docs/model.md and docs/scenario-format.md define them, never from src/model's tables or pricing. A wrong
 * table or coefficient in the model (a duty, a lane cost, a phasing) then shows as a plan whose recomputed NPV
 * differs from the solver's. It deliberately repeats what src/model/inputs.ts derives: that is the check.
 */
export class ScenarioReading {
  readonly years: number[];
  private readonly start: number;
  private readonly end: number;
  private readonly plants: Map<string, Plant>;
  private readonly programs: Map<string, Program>;
  /** "program|market|year" → vehicles, and → revenue (for the volume-weighted price) */
  private readonly volume = new Map<string, number>();
  private readonly revenue = new Map<string, number>();
  private readonly lastPrice = new Map<string, number>();

  constructor(private readonly scenario: Scenario) {
    this.start = scenario.horizon.start;
    this.end = scenario.horizon.end;
    this.years = [];
    for (let y = this.start; y <= this.end; y++) this.years.push(y);
    this.plants = new Map(scenario.plants.map((p) => [p.id, p]));
    this.programs = new Map(scenario.programs.map((p) => [p.id, p]));
    this.readDemand();
  }

  plant(id: string): Plant {
    return this.plants.get(id)!;
  }

  program(id: string): Program {
    return this.programs.get(id)!;
  }

  /** What one unit of the currency is worth in the scenario currency in the year (1 for the scenario's own). */
  fx(currency: string | undefined, year: number): number {
    const rate = currency === undefined ? undefined : this.scenario.fx[currency];
    if (rate === undefined) return 1;
    return typeof rate === "number" ? rate : rate[String(year)]!;
  }

  private plantFx(plant: string, year: number): number {
    return this.fx(this.plant(plant).currency, year);
  }

  discount(year: number): number {
    return (1 + this.scenario.discountRate) ** -(year - this.start);
  }

  /** Demand of a program in a market and year (0 outside the program's life). */
  demand(program: string, market: string, year: number): number {
    return this.volume.get(`${program}|${market}|${year}`) ?? 0;
  }

  /**
   * Net price in the scenario currency (demand rows give it in the market's currency); where several demand
   * rows cover the cell, weighted by their volumes.
   */
  price(program: string, market: string, year: number): number {
    const key = `${program}|${market}|${year}`;
    const volume = this.volume.get(key) ?? 0;
    const local = volume > 0 ? this.revenue.get(key)! / volume : (this.lastPrice.get(key) ?? 0);
    return local * this.fx(this.scenario.markets.find((m) => m.id === market)!.currency, year);
  }

  private readDemand(): void {
    for (const row of this.scenario.demand) {
      const program = this.program(row.program);
      const split = row.market !== undefined ? { [row.market]: 1 } : (row.shares ?? {});
      for (const year of this.years) {
        if (year < program.sop || year > program.eop) continue;
        const total = this.demandRowVolume(row.volume, year);
        for (const [market, share] of Object.entries(split)) {
          const key = `${row.program}|${market}|${year}`;
          const price = row.priceByMarket?.[market] ?? row.price;
          this.volume.set(key, (this.volume.get(key) ?? 0) + total * share);
          this.revenue.set(key, (this.revenue.get(key) ?? 0) + total * share * price);
          this.lastPrice.set(key, price);
        }
      }
    }
  }

  private demandRowVolume(spec: Scenario["demand"][number]["volume"], year: number): number {
    if (typeof spec.from === "number" && typeof spec.growth === "number" && typeof spec.volume === "number") {
      const to = typeof spec.to === "number" ? spec.to : this.end;
      return year >= spec.from && year <= to ? spec.volume * (1 + spec.growth) ** (year - spec.from) : 0;
    }
    return (spec as Record<string, number>)[String(year)] ?? 0;
  }

  /** Variable cost per vehicle in the scenario currency (given in the plant's currency). */
  variableCost(program: string, plant: string, year: number): number {
    const p = this.program(program);
    const local = p.variableCostByPlant[plant] ?? p.variableCost * this.plant(plant).costIndex;
    return local * this.plantFx(plant, year);
  }

  /**
   * Duty per vehicle on the customs value (default the variable cost): the last vehicle duty row matching
   * origin, market and year whose rule of origin, if any, holds as it asks; plus the duties on the imported
   * parts' shares of that value.
   */
  dutyPerVehicle(program: string, plant: string, market: string, year: number): number {
    const country = this.plant(plant).country;
    const p = this.program(program);
    const duty = this.scenario.duties.findLast(
      (d) =>
        d.from.some((code) => this.countries(code).includes(country)) &&
        d.to.includes(market) &&
        year >= (d.validFrom ?? year) &&
        year <= (d.validTo ?? year) &&
        (d.ruleOfOrigin === undefined ||
          this.content(p, plant, d.ruleOfOrigin.region) >= d.ruleOfOrigin.minContent - 1e-12 ===
            (d.ruleOfOrigin.applies === "met")),
    );
    let partsRate = 0;
    for (const [origin, share] of Object.entries(p.contentByPlant[plant] ?? {})) {
      const from = this.countries(origin);
      if (from.includes(country)) continue;
      const partsDuty = this.scenario.partsDuties.findLast(
        (d) =>
          from.every((c) => d.from.some((code) => this.countries(code).includes(c))) &&
          d.to.some((code) => this.countries(code).includes(country)) &&
          year >= (d.validFrom ?? year) &&
          year <= (d.validTo ?? year),
      );
      partsRate += share * (partsDuty?.rate ?? 0);
    }
    const declared = p.customsValueByPlant[plant] ?? p.customsValue;
    const value =
      declared !== undefined ? declared * this.plantFx(plant, year) : this.variableCost(program, plant, year);
    return ((duty?.rate ?? 0) + partsRate) * value;
  }

  private countries(code: string): string[] {
    return this.scenario.regions[code] ?? [code];
  }

  /** Share of the program's value at the plant originating in the region (the unlisted rest: the plant's country). */
  private content(program: Program, plant: string, region: string[]): number {
    const inside = region.flatMap((code) => this.countries(code));
    const shares = Object.entries(program.contentByPlant[plant] ?? {});
    const listed = shares.reduce((sum, [, share]) => sum + share, 0);
    const fromRegion = shares
      .filter(([origin]) => this.countries(origin).every((c) => inside.includes(c)))
      .reduce((sum, [, share]) => sum + share, 0);
    return fromRegion + (inside.includes(this.plant(plant).country) ? Math.max(0, 1 - listed) : 0);
  }

  /** Logistics per vehicle: the lane's own cost, else its mode's handling + per-km rate × distance. */
  laneCost(plant: string, market: string): number {
    const lane = this.scenario.lanes.findLast((l) => l.from === plant && l.to === market);
    if (lane?.costPerVehicle !== undefined) return lane.costPerVehicle;
    const { logistics } = this.scenario;
    const rates = logistics.modes[lane?.mode ?? logistics.defaultMode];
    if (!rates) return 0;
    const from = this.plant(plant);
    const to = this.scenario.markets.find((m) => m.id === market)!;
    const km =
      lane?.distanceKm ??
      (from.lat !== undefined && from.lon !== undefined && to.lat !== undefined && to.lon !== undefined
        ? haversineKm(from.lat, from.lon, to.lat, to.lon)
        : 0);
    return rates.fixedPerVehicle + rates.perKm * km;
  }

  /** Tooling of a new allocation, paid by its phasing around sop (never before the horizon); sunk where built. */
  toolingPayments(program: string, plant: string): { year: number; amount: number }[] {
    const p = this.program(program);
    if (p.builtAt.includes(plant)) return [];
    const cost = p.toolingByPlant[plant] ?? p.tooling;
    return this.phased(p.toolingPhasing, p.sop, cost, plant);
  }

  /** An opening's cost, paid by the plant's phasing around the opening year. */
  openingPayments(plant: string, year: number): { year: number; amount: number }[] {
    const s = this.plant(plant);
    return this.phased(s.openCostPhasing, year, s.openCost ?? 0, plant);
  }

  /** Conversions are paid at the horizon's start. */
  conversionCost(plant: string, platform: string): number {
    return (this.plant(plant).platformConversion[platform] ?? 0) * this.plantFx(plant, this.start);
  }

  /** Payments in the scenario currency, each at the plant's rate of the year it is paid. */
  private phased(phasing: Record<string, number> | undefined, year: number, cost: number, plant: string) {
    const shares = phasing ?? { "0": 1 };
    return Object.entries(shares).map(([offset, share]) => {
      const paid = Math.max(this.start, year + Number(offset));
      return { year: paid, amount: share * cost * this.plantFx(plant, paid) };
    });
  }

  /** The plan's NPV line by line, priced from its volumes and decisions with this reading. */
  npv(plan: Plan): { total: number; lines: Partial<NpvBreakdown> } {
    const lines: Record<string, number> = {};
    const add = (line: keyof NpvBreakdown, amount: number) => {
      lines[line] = (lines[line] ?? 0) + amount;
    };
    const profit = this.scenario.objective.mode === "profit";
    const penalty = profit ? 0 : (this.scenario.objective.unmetPenalty ?? 0);
    /** undiscounted operating cash flow of the last year, for a perpetuity */
    let lastYearCash = 0;
    const operating = (year: number, amount: number) => {
      if (year === this.end) lastYearCash += amount;
    };
    for (const f of plan.flows) {
      const d = this.discount(f.year);
      const revenue = profit ? this.price(f.program, f.market, f.year) : 0;
      const variable = this.variableCost(f.program, f.plant, f.year);
      const logistics = this.laneCost(f.plant, f.market);
      const duty = this.dutyPerVehicle(f.program, f.plant, f.market, f.year);
      add("revenue", d * revenue * f.volume);
      add("variableCost", -d * variable * f.volume);
      add("logistics", -d * logistics * f.volume);
      add("duties", -d * duty * f.volume);
      operating(f.year, (revenue - variable - logistics - duty) * f.volume);
    }
    for (const u of plan.unmet) {
      add("unmetPenalty", -this.discount(u.year) * penalty * u.volume);
      operating(u.year, -penalty * u.volume);
    }
    for (const py of plan.plantYears) {
      const plant = this.plant(py.plant);
      const d = this.discount(py.year);
      const fx = this.plantFx(py.plant, py.year);
      const fixed = (py.operating ? plant.fixedCost : 0) * fx;
      const shifts = plant.shiftCost * py.shifts * fx;
      const overtime = (py.overtime ?? 0) * (plant.overtime?.costPerVehicle ?? 0) * fx;
      add("fixed", -d * fixed);
      add("shifts", -d * shifts);
      add("overtime", -d * overtime);
      operating(py.year, -(fixed + shifts + overtime));
    }
    const investments: {
      line: keyof NpvBreakdown;
      payments: { year: number; amount: number }[];
      salvage: number;
    }[] = [];
    for (const e of plan.plantEvents) {
      if (e.event === "close")
        add(
          "closures",
          -this.discount(e.year) * this.plant(e.plant).closeCost * this.plantFx(e.plant, e.year),
        );
      else if (e.event === "platform") {
        const cost = this.conversionCost(e.plant, e.platform!);
        investments.push({
          line: "platformConversion",
          payments: [{ year: this.start, amount: cost }],
          salvage: this.remaining("conversion", this.start),
        });
      } else {
        investments.push({
          line: "openings",
          payments: this.openingPayments(e.plant, e.year),
          salvage: this.remaining("opening", e.year),
        });
      }
    }
    for (const a of plan.allocations) {
      const p = this.program(a.program);
      const inService = Math.max(p.sop, this.start);
      investments.push({
        line: "tooling",
        payments: this.toolingPayments(a.program, a.plant),
        salvage: Math.max(0, p.eop - this.end) / (p.eop - inService + 1),
      });
    }
    const tv = this.scenario.terminalValue;
    const after = this.discount(this.end + 1);
    for (const { line, payments, salvage } of investments) {
      for (const { year, amount } of payments) {
        add(line, -this.discount(year) * amount);
        if (tv.method === "salvage") add("terminalValue", after * amount * salvage);
      }
    }
    if (tv.method === "perpetuity") {
      const r = this.scenario.discountRate;
      add("terminalValue", (this.discount(this.end) * lastYearCash * (1 + tv.growth)) / (r - tv.growth));
    }
    const total = Object.values(lines).reduce((sum, v) => sum + v, 0);
    return { total, lines };
  }

  /** The undepreciated share of an opening or conversion at the horizon's end (salvage). */
  private remaining(what: "opening" | "conversion", inService: number): number {
    const tv = this.scenario.terminalValue;
    if (tv.method !== "salvage") return 0;
    const life = what === "opening" ? tv.openingLife : tv.conversionLife;
    return Math.max(0, life - (this.end - inService + 1)) / life;
  }
}

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = (deg: number) => (deg * Math.PI) / 180;
  const a =
    Math.sin(toRad(lat2 - lat1) / 2) ** 2 +
    Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(toRad(lon2 - lon1) / 2) ** 2;
  return 2 * 6371.0088 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
}
