/**
 * The lines of the NPV breakdown and their words: one home for every surface (CLI, web, reports). No imports, so
 * the web app can take the values without pulling the model into its bundle.
 */

/** The lines of the NPV breakdown, in display order. */
export const NPV_LINES = [
  "revenue",
  "variableCost",
  "logistics",
  "duties",
  "fixed",
  "shifts",
  "overtime",
  "openings",
  "closures",
  "tooling",
  "platformConversion",
  "unmetPenalty",
  "terminalValue",
] as const;
export type NpvLine = (typeof NPV_LINES)[number];
/** Words for the lines, for reports. */
export const NPV_LINE_LABELS: Record<NpvLine, string> = {
  revenue: "revenue",
  variableCost: "variable cost",
  logistics: "logistics",
  duties: "duties",
  fixed: "fixed plant cost",
  shifts: "shift cost",
  overtime: "overtime",
  openings: "openings",
  closures: "closures",
  tooling: "tooling",
  platformConversion: "platform conversion",
  unmetPenalty: "unmet-demand penalty",
  terminalValue: "terminal value",
};
