import type { NpvLine } from "../model/npv-lines.js";
import type { DecompositionStats, SolveStatus } from "../solver/types.js";

/**
 * A solved plan in domain words: the JSON that the CLI prints with --json, the store keeps and the web app draws.
 * Ids are the scenario's ids. Money in the scenario currency; "discounted" figures are NPV contributions.
 */
export interface Plan {
  scenario: {
    id: string;
    name: string;
    currency: string;
    horizon: { start: number; end: number };
    discountRate: number;
  };
  status: SolveStatus;
  solver: {
    name: string;
    seconds: number;
    gap?: number;
    /** the solver's bound on its objective (the NPV in profit mode, the discounted cost in serve-all) */
    bound?: number;
    /** the most the scenario's NPV can be, by that bound: its plan's NPV once the gap is closed */
    npvAtMost?: number;
    /** the work of a decomposition solve: master MILP solves, LP rounds, cuts (absent when monolithic) */
    decomposition?: DecompositionStats;
  };
  /** objective in domain terms: NPV (profit mode) or minus discounted cost (serve-all mode) */
  npv: number;
  /** discounted contributions; revenue positive, costs negative, summing to npv */
  npvBreakdown: NpvBreakdown;
  allocations: Allocation[];
  plantYears: PlantYear[];
  plantEvents: PlantEvent[];
  flows: Flow[];
  unmet: Unmet[];
  landedCost: LandedCost[];
  dutiesByLane: DutyByLane[];
  explanations: Explanation[];
  invariants: InvariantResult[];
  /** present when the scenario cannot be solved: the reasons in domain words */
  infeasibility?: InfeasibilityReport;
  /** display names of the scenario's ids */
  names?: {
    plants: Record<string, string>;
    programs: Record<string, string>;
    markets: Record<string, string>;
  };
  /** where the scenario puts its plants and markets, null where it gives no coordinates (absent in older plans) */
  places?: {
    plants: Record<string, LatLon | null>;
    markets: Record<string, LatLon | null>;
  };
}

/** Decimal degrees, WGS84. */
export interface LatLon {
  lat: number;
  lon: number;
}

/** Discounted NPV contributions by line (src/model/pricing.ts lists them). */
export type NpvBreakdown = Record<NpvLine, number>;

export interface Allocation {
  program: string;
  plant: string;
  /** first and last year with production at this plant */
  fromYear: number;
  toYear: number;
  /** false where the program was already built there (tooling sunk) */
  newTooling: boolean;
  /** one-off tooling investment at this plant, undiscounted (0 where sunk) */
  toolingCost?: number;
  volume: number;
}

export interface PlantYear {
  plant: string;
  year: number;
  operating: boolean;
  shifts: number;
  /** vehicles built on overtime beyond the whole shifts' capacity (absent when none) */
  overtime?: number;
  volume: number;
  /** what the whole shifts run can build (overtime comes on top) */
  capacity: number;
  /** capacity taken by programs outside the scenario while the plant operates */
  reserved?: number;
  /** (volume + reserved) / capacity of the whole shifts run (0 when none; above 1 with overtime) */
  utilisation: number;
}

export interface PlantEvent {
  plant: string;
  year: number;
  event: "reopen" | "build" | "close" | "platform";
  platform?: string;
  cost: number;
}

export interface Flow {
  program: string;
  plant: string;
  market: string;
  year: number;
  volume: number;
}

export interface Unmet {
  program: string;
  market: string;
  year: number;
  volume: number;
}

export interface LandedCost {
  program: string;
  plant: string;
  market: string;
  /** per vehicle, undiscounted, volume-weighted over the years with flow */
  variable: number;
  logistics: number;
  duty: number;
  total: number;
  price: number;
  /** vehicles over the horizon on which the averages are weighted */
  volume?: number;
}

export interface DutyByLane {
  plant: string;
  market: string;
  /** undiscounted duties paid over the horizon */
  total: number;
  discounted: number;
}

export interface Explanation {
  subject: string;
  decision: string;
  /** the best alternative and what it would change */
  alternative?: string;
  /** NPV of the plan minus NPV with the alternative forced (>= 0 at optimum), both proven optimal */
  npvAdvantage?: number;
  /**
   * instead of `npvAdvantage` where the re-solve with the alternative forced did not prove its optimum — stopped
   * early, or `optimal` only within its relative gap (its bound short of its plan): the interval [low, high] the
   * advantage is proven to lie in (low may be -Infinity without a bound)
   */
  npvAdvantageBetween?: [number, number];
  /** per-vehicle and investment differences that decided it */
  drivers: { label: string; chosen: number; alternative: number }[];
  text: string;
  /** assumptions (citation labels) this decision leans on */
  hingesOn?: string[];
}

export interface InvariantResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface InfeasibilityReport {
  summary: string;
  reasons: string[];
}
