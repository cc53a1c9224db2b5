/** Number formatting for a strategy audience: money in millions with its currency, volumes in thousands. */

const SYMBOLS: Record<string, string> = { EUR: "€", USD: "$", GBP: "£", JPY: "¥", CNY: "¥" };

/** 1 234 500 000 EUR → "€1,234.5m"; negative amounts keep their sign in front: "−€12.0m". */
export function money(value: number, currency = "EUR", digits = 1): string {
  if (!Number.isFinite(value)) return "—";
  const millions = Math.abs(value) / 1e6;
  const symbol = SYMBOLS[currency];
  const amount = millions.toLocaleString("en-GB", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  const sign = value < 0 && millions >= 0.5 * 10 ** -digits ? "−" : "";
  return symbol ? `${sign}${symbol}${amount}m` : `${sign}${amount}m ${currency}`;
}

/** A signed difference in millions: "+€12.3m", "−€4.0m", "±€0.0m". */
export function moneyDelta(value: number, currency = "EUR"): string {
  const shown = money(value, currency);
  if (shown.startsWith("−")) return shown;
  return Math.abs(value) < 5e4 ? `±${shown}` : `+${shown}`;
}

/** Per-vehicle money, in whole units: "€38,200". */
export function perVehicle(value: number, currency = "EUR"): string {
  if (!Number.isFinite(value)) return "—";
  const symbol = SYMBOLS[currency];
  const amount = Math.round(Math.abs(value)).toLocaleString("en-GB");
  const sign = value < 0 ? "−" : "";
  return symbol ? `${sign}${symbol}${amount}` : `${sign}${amount} ${currency}`;
}

/** Vehicles: 12 345 → "12,345". */
export function vehicles(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-GB") : "—";
}

/** Vehicles in thousands for tight cells: 123 456 → "123k". */
export function kVehicles(value: number): string {
  if (!Number.isFinite(value)) return "—";
  if (Math.abs(value) < 1000) return String(Math.round(value));
  return `${Math.round(value / 1000).toLocaleString("en-GB")}k`;
}

export function percent(value: number | undefined, digits = 0): string {
  return value === undefined || !Number.isFinite(value) ? "—" : `${(value * 100).toFixed(digits)}%`;
}

export function seconds(value: number | undefined): string {
  return value === undefined ? "—" : `${value.toFixed(1)} s`;
}

export function dateTime(iso: string | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

/** "unmet-demand penalty" → "Unmet-demand penalty": shared lower-case labels at the start of a chart line. */
export function sentenceCase(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}
