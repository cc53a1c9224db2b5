import { formatValue } from "./parameters.js";
import type { Answer, AnswerJson } from "./question.js";

/**
 * The answer in words, for the terminal report and the web app alike: every sentence is built from what was
 * measured (the options' NPVs, the break-evens found), none is written in advance. Pure: no solver, no I/O.
 */

type Option = AnswerJson["options"][number];
type Parameter = AnswerJson["parameters"][number];

export const ANSWER_WORD: Record<Answer, string> = { yes: "Yes", no: "No", elsewhere: "Neither" };

export function optionOf(a: AnswerJson, scenario: string): Option {
  const option = a.options.find((o) => o.scenario === scenario);
  if (!option) throw new Error(`the answer has no option "${scenario}"`);
  return option;
}

export function money(a: AnswerJson, amount: number): string {
  const sign = amount < 0 ? "-" : "";
  const symbol = a.scenario.currency === "EUR" ? "€" : `${a.scenario.currency} `;
  const m = Math.abs(amount) / 1e6;
  return `${sign}${symbol}${m.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}m`;
}

export function valueWords(a: AnswerJson, p: Parameter, value: number): string {
  return formatValue(p.unit, value, p.currency ?? a.scenario.currency);
}

/** Where an option builds the question's program, e.g. "Cassino" or "Cassino and Belvidere". */
export function builtAt(o: Option): string {
  return o.programPlants.map((p) => p.name).join(" and ") || "nowhere";
}

/** The answer, the winner and its lead, in two or three sentences. */
export function headline(a: AnswerJson): string[] {
  const winner = optionOf(a, a.winner);
  const { horizon, discountRate } = a.scenario;
  const lines = [
    `${ANSWER_WORD[a.answer]}: the best option, "${winner.name}", builds the ${a.programName} at ` +
      `${builtAt(winner)}; NPV ${money(a, winner.npv)} (${horizon.start}–${horizon.end}, ` +
      `${(discountRate * 100).toFixed(0)}% real).`,
  ];
  if (a.versus) {
    const other = optionOf(a, a.versus.option);
    lines.push(
      `It is ${money(a, winner.npv - other.npv)} ahead of the best option answering ` +
        `${ANSWER_WORD[other.answer].toLowerCase()}, "${other.name}".`,
    );
  }
  const reference = a.options.find((o) => o.role === "reference");
  if (reference && reference.scenario !== a.winner && Math.abs(winner.npv - reference.npv) < 0.05e6) {
    lines.push(`It makes the same plan as "${reference.name}" (today's network).`);
  }
  return lines;
}

/** The conditions under which the answer holds: one per parameter that flips it within its searched range. */
export function conditions(a: AnswerJson): { holds: string[]; steady: string[] } {
  const holds = a.parameters
    .filter((p) => p.breakEvens.length > 0)
    .map((p) => {
      const bounds = p.breakEvens.map(
        (b) => `${b.flips > b.holds ? "below" : "above"} ${valueWords(a, p, (b.holds + b.flips) / 2)}`,
      );
      return (
        `${p.label} stays ${bounds.join(" and ")} ` +
        `(baseline ${valueWords(a, p, p.baseline)}, ${p.isAssumption ? "an assumption" : "sourced"})`
      );
    });
  const steady = a.parameters
    .filter((p) => p.breakEvens.length === 0 && p.search)
    .map((p) => `${p.label} (${valueWords(a, p, p.search!.from)}–${valueWords(a, p, p.search!.to)})`);
  return { holds, steady };
}

/** A parameter's break-evens with their brackets, or the range in which none was found. */
export function breakEvenWords(a: AnswerJson, p: Parameter): string {
  if (!p.search) return "not searched";
  const range = `${valueWords(a, p, p.search.from)}–${valueWords(a, p, p.search.to)}`;
  if (p.breakEvens.length === 0) return `no flip in ${range} (${p.solves} solves)`;
  const found = p.breakEvens.map(
    (b) =>
      `holds at ${valueWords(a, p, b.holds)}, flips at ${valueWords(a, p, b.flips)} to "${optionOf(a, b.winner).name}"`,
  );
  return `${found.join("; ")} (searched ${range}, ${p.solves} solves)`;
}

/** Unmet share of demand, e.g. "3.8%". */
export function unmetShare(o: Option): string {
  return `${((100 * o.volumes.unmet) / Math.max(1, o.volumes.demand)).toFixed(1)}%`;
}
