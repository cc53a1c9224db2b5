import { ValidationError } from "../issues.js";
import { Scenario, type ScenarioInput } from "../scenario.js";

/**
 * OR-Library capacitated facility location (Beasley's `cap41`…`cap134`) → a Portello scenario.
 * The file is a stream of whitespace-separated numbers (line breaks carry no meaning):
 *   m n  |  m × (capacity fixedCost)  |  n × (demand cost_1 … cost_m)
 * where cost_ij is the cost of serving ALL of customer j's demand from warehouse i.
 *
 * Mapping: one program built in one year, warehouses → candidate plants (openCost = fixed cost, one shift of
 * the warehouse's capacity, no running costs), customers → markets whose demand must be served in full
 * (serve-all, unmet forbidden), lane cost per vehicle = cost_ij / demand_j, no discounting. Demand may be split
 * between plants, as in the published optima (capopt.txt).
 */

export interface CflpInstance {
  capacity: number[];
  fixedCost: number[];
  demand: number[];
  /** cost[j][i]: cost of serving all of customer j's demand from warehouse i */
  cost: number[][];
}

interface Token {
  text: string;
  line: number;
  column: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  text.split(/\r?\n/).forEach((lineText, i) => {
    for (const match of lineText.matchAll(/\S+/g)) {
      tokens.push({ text: match[0], line: i + 1, column: (match.index ?? 0) + 1 });
    }
  });
  return tokens;
}

/** Reads numbers off the token stream, failing with the file position and what was expected. */
class NumberReader {
  private position = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  next(what: string, kind: "count" | "amount"): number {
    const token = this.tokens[this.position++];
    if (!token) {
      const last = this.tokens[this.tokens.length - 1];
      this.fail(
        last?.line,
        undefined,
        what,
        "the end of the file",
        `the file ends where ${what} was expected`,
      );
    }
    const value = Number(token.text);
    const valid =
      kind === "count" ? Number.isInteger(value) && value > 0 : Number.isFinite(value) && value >= 0;
    if (!valid || token.text.trim() === "") {
      const expected = kind === "count" ? "a positive whole number" : "a non-negative number";
      this.fail(
        token.line,
        token.column,
        `${what}: ${expected}`,
        token.text,
        `${what} should be ${expected}, found "${token.text}"`,
      );
    }
    return value;
  }

  expectEnd(): void {
    const extra = this.tokens[this.position];
    if (extra) {
      this.fail(
        extra.line,
        extra.column,
        "the end of the file",
        extra.text,
        `unexpected data after the last customer: "${extra.text}" (are the counts m and n right?)`,
      );
    }
  }

  fail(
    line: number | undefined,
    column: number | undefined,
    expected: string,
    found: string,
    message: string,
  ): never {
    throw new ValidationError([
      {
        file: this.file,
        ...(line ? { line } : {}),
        ...(column ? { column } : {}),
        path: "",
        expected,
        found,
        message,
      },
    ]);
  }
}

export function parseCflp(text: string, file = "<cflp>"): CflpInstance {
  const reader = new NumberReader(tokenize(text), file);
  const m = reader.next("the number of warehouses m", "count");
  const n = reader.next("the number of customers n", "count");
  const capacity: number[] = [];
  const fixedCost: number[] = [];
  for (let i = 1; i <= m; i++) {
    capacity.push(reader.next(`the capacity of warehouse ${i}`, "amount"));
    fixedCost.push(reader.next(`the fixed cost of warehouse ${i}`, "amount"));
  }
  const demand: number[] = [];
  const cost: number[][] = [];
  for (let j = 1; j <= n; j++) {
    demand.push(reader.next(`the demand of customer ${j}`, "amount"));
    const row: number[] = [];
    for (let i = 1; i <= m; i++)
      row.push(reader.next(`the cost of serving customer ${j} from warehouse ${i}`, "amount"));
    cost.push(row);
  }
  reader.expectEnd();
  return { capacity, fixedCost, demand, cost };
}

export interface CflpScenarioOptions {
  /** scenario id, e.g. the file's base name */
  id: string;
  /** the one planning year */
  year?: number;
}

/** The validated scenario of an instance. */
export function cflpToScenario(instance: CflpInstance, options: CflpScenarioOptions): Scenario {
  return Scenario.parse(cflpScenarioInput(instance, options));
}

/**
 * The scenario as written to a file (defaults left out). Plants `w1…wm`, markets `c1…cn`; every entity needs a
 * country, and "ZZ" (user-assigned in ISO 3166) says that there is none.
 */
export function cflpScenarioInput(instance: CflpInstance, options: CflpScenarioOptions): ScenarioInput {
  const year = options.year ?? 2030;
  const id = options.id.toLowerCase().replace(/[^a-z0-9._-]/g, "-");
  const warehouses = instance.capacity.map((capacity, i) => ({
    id: `w${i + 1}`,
    name: `Warehouse ${i + 1}`,
    country: "ZZ",
    status: "candidate" as const,
    // a warehouse that can hold nothing is never worth opening; the schema wants a positive capacity
    capacityPerShift: Math.max(capacity, Number.MIN_VALUE),
    maxShifts: 1,
    fixedCost: 0,
    shiftCost: 0,
    openCost: instance.fixedCost[i]!,
    earliestYear: year,
    platforms: ["p"],
  }));
  const customers = instance.demand.map((_, j) => ({
    id: `c${j + 1}`,
    name: `Customer ${j + 1}`,
    countries: ["ZZ"],
  }));
  const lanes = instance.cost.flatMap((row, j) =>
    row.map((c, i) => ({
      from: `w${i + 1}`,
      to: `c${j + 1}`,
      // c_ij is the cost of the whole demand; a customer without demand costs nothing to serve
      costPerVehicle: instance.demand[j]! > 0 ? c / instance.demand[j]! : 0,
    })),
  );
  return {
    portello: 1,
    id,
    name: `OR-Library CFLP ${options.id}`,
    description:
      "Capacitated facility location instance from Beasley's OR-Library, imported with `portello import cflp`: " +
      "warehouses are candidate plants, customers are markets served in full; splittable demand.",
    horizon: { start: year, end: year },
    discountRate: 0,
    objective: { mode: "serve-all" as const },
    plants: warehouses,
    programs: [
      {
        id: "demand",
        name: "Customer demand",
        brand: "OR-Library",
        segment: "cflp",
        platform: "p",
        sop: year,
        eop: year,
        maxPlants: Math.min(1000, warehouses.length),
        mustBuild: true,
        variableCost: 0,
      },
    ],
    markets: customers,
    demand: instance.demand.map((d, j) => ({
      program: "demand",
      market: `c${j + 1}`,
      volume: { [String(year)]: d },
      price: 0,
    })),
    lanes,
  };
}
