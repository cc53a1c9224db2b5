/**
 * Dates at the precision sources give them ("2016", "2016-05", "2016-05-28", "2027-Q3", "2028-H2"),
 * as inclusive ranges of day numbers so that claims can be compared.
 */

export interface Interval {
  /** first day, inclusive (days since 1970-01-01); -Infinity when unknown */
  start: number;
  /** last day, inclusive; +Infinity when open */
  end: number;
}

const DAY = 86_400_000;

function day(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / DAY;
}

/** The months a period covers, as [first month, last month] (1-based). */
function monthSpan(suffix: string | undefined): [number, number] {
  if (!suffix) return [1, 12];
  if (suffix.startsWith("Q")) {
    const q = Number(suffix.slice(1));
    return [3 * q - 2, 3 * q];
  }
  if (suffix.startsWith("H")) return suffix === "H1" ? [1, 6] : [7, 12];
  const month = Number(suffix.slice(0, 2));
  return [month, month];
}

/** The days a period covers; undefined when the text is not a period. */
export function periodRange(period: string): Interval | undefined {
  const match = /^(\d{4})(?:-(Q[1-4]|H[12]|\d{2})(?:-(\d{2}))?)?$/.exec(period);
  if (!match) return undefined;
  const year = Number(match[1]);
  if (match[3]) {
    const d = day(year, Number(match[2]), Number(match[3]));
    return { start: d, end: d };
  }
  const [first, last] = monthSpan(match[2]);
  return { start: day(year, first, 1), end: day(year, last + 1, 1) - 1 };
}

export function yearRange(year: number): Interval {
  return { start: day(year, 1, 1), end: day(year + 1, 1, 1) - 1 };
}

export function intersect(a: Interval, b: Interval): Interval | undefined {
  const start = Math.max(a.start, b.start);
  const end = Math.min(a.end, b.end);
  return start <= end ? { start, end } : undefined;
}

/** A day number as YYYY-MM-DD; infinities as "" (callers say "open" or "unknown"). */
export function formatDay(n: number): string {
  if (!Number.isFinite(n)) return "";
  return new Date(n * DAY).toISOString().slice(0, 10);
}

/**
 * An interval at the precision its ends allow: whole years ("2008 to 2018"), whole months
 * ("2013-06 to 2020-12") or days; an end equal to `openEnd` (the dataset's date) reads "to date".
 */
export function formatInterval(interval: Interval, openEnd?: number): string {
  const { start, end } = interval;
  const startDate = Number.isFinite(start) ? new Date(start * DAY) : undefined;
  const endDate = Number.isFinite(end) ? new Date((end + 1) * DAY) : undefined; // the day after the end
  const yearly = (!startDate || isFirstOfYear(startDate)) && (!endDate || isFirstOfYear(endDate));
  const monthly = (!startDate || startDate.getUTCDate() === 1) && (!endDate || endDate.getUTCDate() === 1);
  const show = (n: number): string => {
    const iso = formatDay(n);
    if (yearly) return iso.slice(0, 4);
    if (monthly) return iso.slice(0, 7);
    return iso;
  };
  const from = startDate ? show(start) : "";
  const to = endDate ? (openEnd !== undefined && end === openEnd ? "date" : show(end)) : "";
  if (from && to) return from === to ? from : `${from} to ${to}`;
  if (from) return `from ${from}`;
  if (to) return `until ${to}`;
  return "all dates";
}

function isFirstOfYear(date: Date): boolean {
  return date.getUTCMonth() === 0 && date.getUTCDate() === 1;
}

/** "2016–2027", "since 2022-05", "until 2011-10", "1906": a from/to pair as written by the sources. */
export function formatSpan(from: string | undefined, to: string | undefined, endUnknown?: boolean): string {
  if (from && to) return from === to ? from : `${from}–${to}`;
  if (from) return endUnknown ? `from ${from} (end not sourced)` : `since ${from}`;
  if (to) return `until ${to} (start not sourced)`;
  return endUnknown ? "dates not sourced" : "dates not given";
}
