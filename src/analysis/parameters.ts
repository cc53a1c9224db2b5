import type { Citation } from "../domain/provenance.js";
import type { ParameterChange, ParameterUnit } from "../domain/question.js";
import type { Scenario } from "../domain/scenario.js";

/**
 * Tested parameters: a named change of a scenario (a duty rate, a plant's cost, a demand factor, the horizon)
 * set to a value. Each change is a pure edit; a scenario that lacks what the change touches comes back
 * unchanged, so sensitivity runs keep that option's baseline NPV instead of re-solving it.
 */

type Edit = (scenario: Scenario) => Scenario;

export function applyParameter(change: ParameterChange, value: number): Edit {
  switch (change.kind) {
    case "duty-rate":
      return (s) =>
        s.duties.some((d) => change.duties.includes(d.id))
          ? edit(s, (copy) => {
              for (const duty of copy.duties) if (change.duties.includes(duty.id)) duty.rate = value;
            })
          : s;
    case "parts-duty-rate":
      return (s) =>
        s.partsDuties.some((d) => change.duties.includes(d.id))
          ? edit(s, (copy) => {
              for (const duty of copy.partsDuties) if (change.duties.includes(duty.id)) duty.rate = value;
            })
          : s;
    case "lane-duty":
      return (s) =>
        s.plants.some((p) => change.from.includes(p.country))
          ? edit(s, (copy) => {
              copy.duties.push({
                id: uniqueDutyId(copy),
                from: change.from,
                to: change.to,
                rate: value,
                cite: {},
              });
            })
          : s;
    case "plant-field":
      return (s) =>
        s.plants.some((p) => p.id === change.plant)
          ? edit(s, (copy) => {
              const plant = copy.plants.find((p) => p.id === change.plant)!;
              plant[change.field] = value;
            })
          : s;
    case "plant-overtime":
      return (s) =>
        s.plants.some((p) => p.id === change.plant && p.overtime)
          ? edit(s, (copy) => {
              const plant = copy.plants.find((p) => p.id === change.plant)!;
              plant.overtime![change.field] = value;
            })
          : s;
    case "salvage-life":
      return (s) =>
        s.terminalValue.method === "salvage"
          ? edit(s, (copy) => {
              if (copy.terminalValue.method === "salvage") copy.terminalValue.openingLife = Math.round(value);
            })
          : s;
    case "demand-scale":
      return (s) =>
        edit(s, (copy) => {
          for (const row of copy.demand) {
            if (row.program !== change.program || row.market === undefined) continue;
            if (change.markets.includes(row.market)) row.volume = scaleVolume(row.volume, value);
          }
        });
    case "fx-rate":
      return (s) =>
        s.fx[change.currency] !== undefined
          ? edit(s, (copy) => {
              copy.fx[change.currency] = value;
            })
          : s;
    case "discount-rate":
      return (s) =>
        edit(s, (copy) => {
          copy.discountRate = value;
        });
    case "horizon-end":
      return (s) => withHorizonEnd(s, Math.round(value));
  }
}

/** The value the scenario has today for what the change touches; undefined where it lacks it. */
export function baselineValue(change: ParameterChange, s: Scenario): number | undefined {
  switch (change.kind) {
    case "duty-rate":
      return s.duties.find((d) => change.duties.includes(d.id))?.rate;
    case "parts-duty-rate":
      return s.partsDuties.find((d) => change.duties.includes(d.id))?.rate;
    case "lane-duty":
      return laneDuty(change, s)?.rate;
    case "plant-field":
      return s.plants.find((p) => p.id === change.plant)?.[change.field];
    case "plant-overtime":
      return s.plants.find((p) => p.id === change.plant)?.overtime?.[change.field];
    case "salvage-life":
      return s.terminalValue.method === "salvage" ? s.terminalValue.openingLife : undefined;
    case "demand-scale":
      return s.demand.some((d) => d.program === change.program) ? 1 : undefined;
    case "fx-rate": {
      // a path's first year stands for it: the change sets one rate for every year
      const rate = s.fx[change.currency];
      return typeof rate === "number" ? rate : rate?.[String(s.horizon.start)];
    }
    case "discount-rate":
      return s.discountRate;
    case "horizon-end":
      return s.horizon.end;
  }
}

/** Where the scenario cites the baseline value: an assumption's reasoning, or its sources. */
export function citationOf(change: ParameterChange, s: Scenario): Citation | undefined {
  switch (change.kind) {
    case "duty-rate":
      return s.duties.find((d) => change.duties.includes(d.id))?.cite.rate;
    case "parts-duty-rate":
      return s.partsDuties.find((d) => change.duties.includes(d.id))?.cite.rate;
    case "lane-duty":
      return laneDuty(change, s)?.cite.rate;
    case "plant-field":
      return s.plants.find((p) => p.id === change.plant)?.cite[change.field];
    case "plant-overtime":
      return s.plants.find((p) => p.id === change.plant)?.cite.overtime;
    case "salvage-life":
      return s.cite.terminalValue;
    case "demand-scale":
      return s.demand.find((d) => d.program === change.program && change.markets.includes(d.market ?? ""))
        ?.cite.volume;
    case "fx-rate":
      return s.cite.fx;
    case "discount-rate":
      return s.cite.discountRate;
    case "horizon-end":
      return s.cite.horizon;
  }
}

/** The currency of a money parameter's value: a plant's own currency for its fields, else the scenario's. */
export function currencyOf(change: ParameterChange, s: Scenario): string {
  if (change.kind === "plant-field" || change.kind === "plant-overtime")
    return s.plants.find((p) => p.id === change.plant)?.currency ?? s.currency;
  return s.currency;
}

/** A value in words, e.g. "15%", "€350m", "×1.30", "83,333", "2041". */
export function formatValue(unit: ParameterUnit, value: number, currency = "EUR"): string {
  switch (unit) {
    case "rate":
      return `${+(value * 100).toFixed(2)}%`;
    case "money": {
      const symbol = currency === "EUR" ? "€" : `${currency} `;
      // per-car amounts in full, investments in millions
      return Math.abs(value) < 1e5
        ? `${symbol}${Math.round(value).toLocaleString("en-US")}`
        : `${symbol}${+(value / 1e6).toFixed(1)}m`;
    }
    case "factor":
      return `×${value.toFixed(3)}`;
    case "year":
      return String(Math.round(value));
    case "years":
      return `${Math.round(value)} years`;
    case "vehicles":
      return Math.round(value).toLocaleString("en-US");
    case "number":
      return String(+value.toFixed(4));
  }
}

// ---- helpers ----

function edit(scenario: Scenario, change: (copy: Scenario) => void): Scenario {
  const copy = structuredClone(scenario);
  change(copy);
  return copy;
}

function uniqueDutyId(s: Scenario): string {
  let id = "tested-lane-duty";
  for (let i = 2; s.duties.some((d) => d.id === id); i++) id = `tested-lane-duty-${i}`;
  return id;
}

/** The duty row that applies today to the first origin and destination of a lane-duty change (last one wins). */
function laneDuty(change: Extract<ParameterChange, { kind: "lane-duty" }>, s: Scenario) {
  const origin = change.from[0]!;
  const covers = (from: string) => from === origin || (s.regions[from] ?? []).includes(origin);
  return s.duties.filter((d) => d.from.some(covers) && d.to.includes(change.to[0]!)).at(-1);
}

function scaleVolume(volume: Scenario["demand"][number]["volume"], factor: number) {
  if ("from" in volume && typeof volume.from === "number") {
    const spec = volume as { from: number; volume: number; growth: number; to?: number };
    return { ...spec, volume: spec.volume * factor };
  }
  const byYear = volume as Record<string, number>;
  return Object.fromEntries(Object.entries(byYear).map(([year, v]) => [year, v * factor]));
}

/**
 * The scenario with its horizon ending in `end`: programs and demand that ran to the old last year run on at
 * that year's level (flat, no growth), and so do plants' reserved volumes. A check of how much the answer
 * owes to where the horizon stops.
 */
export function withHorizonEnd(s: Scenario, end: number): Scenario {
  const last = s.horizon.end;
  if (end === last) return s;
  return edit(s, (copy) => {
    copy.horizon.end = end;
    for (const program of copy.programs) if (program.eop >= last) program.eop = Math.max(end, program.eop);
    for (const row of copy.demand) row.volume = extendFlat(row.volume, s.horizon.start, last, end);
    for (const rate of Object.values(copy.fx)) {
      if (typeof rate === "number" || rate[String(last)] === undefined) continue;
      for (let year = last + 1; year <= end; year++) rate[String(year)] = rate[String(last)]!;
    }
    for (const plant of copy.plants) {
      const atLast = plant.reservedVolume[String(last)];
      if (atLast === undefined) continue;
      for (let year = last + 1; year <= end; year++) plant.reservedVolume[String(year)] = atLast;
    }
  });
}

function extendFlat(volume: Scenario["demand"][number]["volume"], start: number, last: number, end: number) {
  if ("from" in volume && typeof volume.from === "number") {
    const spec = volume as { from: number; volume: number; growth: number; to?: number };
    if (spec.to !== undefined && spec.to < last) return volume;
    const byYear: Record<string, number> = {};
    for (let year = Math.max(spec.from, start); year <= end; year++)
      byYear[String(year)] = spec.volume * (1 + spec.growth) ** (Math.min(year, last) - spec.from);
    return byYear;
  }
  const byYear = { ...(volume as Record<string, number>) };
  const atLast = byYear[String(last)];
  if (atLast !== undefined) for (let year = last + 1; year <= end; year++) byYear[String(year)] = atLast;
  return byYear;
}

/**
 * A value in words and, where the solves left gaps that show at the words' precision, the interval they prove:
 * "45.0% (44.1–45.6%)". Reports stored before intervals existed have none.
 */
export function withInterval(
  value: number,
  range: readonly [number, number] | null | undefined,
  format: (n: number) => string,
): string {
  const shown = format(value);
  if (!range) return shown;
  const [lo, hi] = range.map(format);
  return lo === shown && hi === shown ? shown : `${shown} (${lo}–${hi})`;
}
