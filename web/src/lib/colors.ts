/** Colours with meaning: plant status, brands, and a categorical palette for plants in charts. */

export const STATUS_COLORS: Record<string, string> = {
  active: "#2f855a",
  idle: "#c27c0e",
  candidate: "#3b6fd1",
  closed: "#8a8f98",
  unknown: "#b9bec7",
};

export const STATUS_LABELS: Record<string, string> = {
  active: "active",
  idle: "idle (can reopen)",
  candidate: "candidate (can be built)",
  closed: "closed",
  unknown: "status not sourced",
};

/** A plant status's colour; a status without one gets the "not sourced" grey. */
export function statusColor(status: string): string {
  return STATUS_COLORS[status] ?? STATUS_COLORS.unknown!;
}

/** A few brands' house colours; others get one from the palette. */
const BRAND_COLORS: Record<string, string> = {
  "alfa-romeo": "#b3122e",
  maserati: "#1f3a68",
  jeep: "#4b5320",
  fiat: "#9c1b30",
  lancia: "#1d4f91",
  bmw: "#1c69d4",
};

/** Colour-blind-friendly categorical palette (Okabe–Ito, then Tableau). */
export const PALETTE = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#d55e00",
  "#56b4e9",
  "#7a5195",
  "#8c6d31",
  "#f0e442",
  "#4e79a7",
];

export function brandColor(brand: string, index = 0): string {
  return BRAND_COLORS[brand] ?? PALETTE[index % PALETTE.length]!;
}

/** One stable colour per id, by sorted position: the same plant gets the same colour in every chart. */
export function colorScale(ids: Iterable<string>): (id: string) => string {
  const sorted = [...new Set(ids)].sort();
  const map = new Map(sorted.map((id, i) => [id, PALETTE[i % PALETTE.length]!]));
  return (id) => map.get(id) ?? "#999";
}

/** Utilisation 0 → pale, 1 → deep blue, above 1 → red (overloaded). */
export function utilisationColor(u: number): string {
  if (u > 1.0001) return "#c0392b";
  const t = Math.max(0, Math.min(1, u));
  const light = 96 - t * 58;
  return `hsl(210 70% ${light}%)`;
}
